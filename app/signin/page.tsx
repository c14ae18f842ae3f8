import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { config } from "@/lib/config";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v.slice(0, 500) : undefined);
  const error = one(params.error);
  const ldap = config().auth.ldap;
  return (
    <div className="mx-auto max-w-sm pt-8">
      <Card>
        <CardHeader>
          <h1 className="text-xl leading-none font-semibold tracking-tight">Sign in</h1>
          <CardDescription>
            {ldap
              ? "Use your directory (LDAP) account. Members of the admin group reach the admin area."
              : "Use the local administrator account printed at first start, or the one ADMIN_PASSWORD sets."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <SignInForm
            callbackUrl={one(params.callbackUrl)}
            initialError={error && error !== "CredentialsSignin" ? error : error ? "Wrong user name or password." : undefined}
          />
        </CardContent>
      </Card>
    </div>
  );
}
