"use client";

import { LogIn, LogOut } from "lucide-react";
import { signOut } from "next-auth/react";
import Link from "next/link";

export interface MenuUser {
  name: string;
  role: string;
}

/**
 * Signs out without following next-auth's redirect, which points at NEXTAUTH_URL (default
 * localhost:3000) rather than the address the app is reached at.
 */
export async function signOutHere(to = "/") {
  await signOut({ redirect: false });
  window.location.assign(to);
}

/** Who is signed in, with sign-out; or a sign-in link. */
export function UserMenu({ user }: { user: MenuUser | null }) {
  if (!user) {
    return (
      <Link href="/signin" className="flex shrink-0 items-center gap-2 rounded-md px-3 py-2 text-sm text-muted-foreground hover:bg-accent">
        <LogIn className="size-4" aria-hidden />
        Sign in
      </Link>
    );
  }
  return (
    <div className="flex shrink-0 items-center gap-2 px-3 py-2 text-sm" data-testid="user-menu">
      <span className="min-w-0 truncate" title={`${user.name} (${user.role})`}>
        {user.name} <span className="text-xs text-muted-foreground">({user.role})</span>
      </span>
      <button
        type="button"
        onClick={() => void signOutHere()}
        className="ml-auto rounded-md p-1 text-muted-foreground hover:bg-accent"
        aria-label="Sign out"
        title="Sign out"
      >
        <LogOut className="size-4" aria-hidden />
      </button>
    </div>
  );
}
