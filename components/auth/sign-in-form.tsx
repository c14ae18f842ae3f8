"use client";

import { Loader2 } from "lucide-react";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { safeRedirectPath } from "@/lib/safe-redirect";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl?: string; initialError?: string }) {
  const [error, setError] = useState(initialError ?? "");
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError("");
    try {
      const result = await signIn("credentials", { username: form.get("username"), password: form.get("password"), redirect: false });
      if (!result || result.error) {
        setError(result?.error && result.error !== "CredentialsSignin" ? result.error : "Wrong user name or password.");
        return;
      }
      // A full navigation, so that every server component renders with the new session.
      // Only a path of this site: a callbackUrl pointing elsewhere would make this an open redirect.
      window.location.assign(safeRedirectPath(callbackUrl, "/admin"));
    } catch {
      setError("The server did not answer. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? "signin-error" : undefined}>
      <label className="block space-y-1 text-sm">
        <span>User name</span>
        <Input name="username" autoComplete="username" required maxLength={128} autoFocus />
      </label>
      <label className="block space-y-1 text-sm">
        <span>Password</span>
        <Input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
      </label>
      {error && (
        <p id="signin-error" role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          {error}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending && <Loader2 className="size-4 animate-spin" aria-hidden />}
        Sign in
      </Button>
    </form>
  );
}
