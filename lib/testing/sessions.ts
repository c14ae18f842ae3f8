import { encode } from "next-auth/jwt";
import type { AuthUser, Role } from "@/lib/auth";

type SessionUser = Pick<AuthUser, "id" | "name" | "role" | "source">;

/**
 * A `cookie` header carrying a next-auth session, signed with `secret`, as a browser would
 * send it: for a given user, or for a local user of `role` (named after it unless `name`).
 */
export async function sessionCookie(secret: string, user: SessionUser | Role, name?: string): Promise<string> {
  const who: SessionUser =
    typeof user === "string"
      ? { id: `local:${name ?? `test-${user}`}`, name: name ?? (user === "admin" ? "test-admin" : "test-user"), role: user, source: "local" }
      : user;
  const token = await encode({ secret, token: { sub: who.id, name: who.name, role: who.role, source: who.source } });
  return `next-auth.session-token=${token}`;
}
