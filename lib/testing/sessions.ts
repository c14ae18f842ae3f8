import { encode } from "next-auth/jwt";
import type { Role } from "@/lib/auth/types";

/** A `cookie` header carrying a next-auth session for `role`, signed with `secret`, as a browser would send it. */
export async function sessionCookie(secret: string, role: Role, name = role === "admin" ? "test-admin" : "test-user"): Promise<string> {
  const token = await encode({ secret, token: { sub: `local:${name}`, name, role, source: "local" } });
  return `next-auth.session-token=${token}`;
}
