import type { Page } from "@playwright/test";

// e2e/serve.sh signs people in against a real slapd (e2e/ldap-server.ts, lib/testing/ldap.ts).
export const ALICE = { username: "alice", password: "alice-pw-1" }; // in the admin group
export const BOB = { username: "bob", password: "bob-pw-2" }; // not in it

/** Fills and sends the sign-in form the page shows. */
export async function signIn(page: Page, { username, password }: { username: string; password: string }) {
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
