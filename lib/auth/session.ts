import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/http";
import { authOptions } from "./options";
import type { Role } from "./types";

export interface SessionUser {
  id: string;
  name: string;
  role: Role;
}

/** The signed-in user in a server component or server action; null when anonymous. */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  return session?.user ? { id: session.user.id, name: session.user.name ?? session.user.id, role: session.user.role } : null;
}

/** The signed-in user of a route handler's request, from its session cookie; null when anonymous. */
export async function requestUser(request: Request): Promise<SessionUser | null> {
  // getToken reads `request.cookies`, which only a NextRequest has; copying only the URL and
  // headers leaves the body unread for the handler.
  const req = request instanceof NextRequest ? request : new NextRequest(request.url, { headers: request.headers });
  const token = await getToken({ req, secret: config().auth.secret });
  return token?.sub ? { id: token.sub, name: token.name ?? token.sub, role: token.role } : null;
}

function admin(user: SessionUser | null): SessionUser {
  if (!user) throw new ApiError(401, "unauthenticated", "Sign in as an administrator first.");
  if (user.role !== "admin") throw new ApiError(403, "forbidden", "This needs the admin role.");
  return user;
}

/**
 * For server actions: the proxy already refuses non-admins, and this second check keeps an
 * action safe if it is ever reached another way (actions can be posted to any page).
 */
export async function requireAdmin(): Promise<SessionUser> {
  return admin(await currentUser());
}

/** The same check for route handlers, from the request's cookie. */
export async function requireAdminRequest(request: Request): Promise<SessionUser> {
  return admin(await requestUser(request));
}
