import type { Metadata } from "next";
import { SwitchUserLink } from "@/components/auth/sign-out-link";
import { EmptyState, PageHeader } from "@/components/page-header";
import { currentUser } from "@/lib/auth";

export const metadata: Metadata = { title: "Not allowed" };
export const dynamic = "force-dynamic";

/** Where the proxy sends signed-in users who lack the admin role (with status 403). */
export default async function ForbiddenPage() {
  const user = await currentUser();
  return (
    <>
      <PageHeader title="Not allowed" />
      <EmptyState title="This area needs the admin role">
        {user ? `You are signed in as ${user.name}, who does not have the admin role.` : "Sign in with an administrator account."} <SwitchUserLink />
      </EmptyState>
    </>
  );
}
