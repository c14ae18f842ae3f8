"use client";

import { signOutHere } from "./user-menu";

/** "Sign in as someone else": signs out, then opens the sign-in page. */
export function SwitchUserLink() {
  return (
    <button type="button" className="underline" onClick={() => void signOutHere("/signin")}>
      Sign in as someone else
    </button>
  );
}
