import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { ApiError } from "@/lib/http";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { authOptions } from "./options";

type AuthContext = { params: Promise<{ nextauth: string[] }> };

/** The actions next-auth answers per method; anything else would reach it and fail with a 500. */
const ACTIONS = {
  GET: new Set(["providers", "session", "csrf", "signin", "signout", "error", "verify-request"]),
  POST: new Set(["signin", "signout", "session", "_log", "callback"]),
} as const;

/** Checks the path (`/api/auth/<action>/<provider>`) before next-auth runs: a named 4xx for what it does not serve. */
function checkEndpoint(method: "GET" | "POST", segments: string[]): void {
  const [action, provider, ...rest] = segments;
  if (method === "GET" && action === "callback") throw new ApiError(405, "method_not_allowed", "Sign in with POST", undefined, { Allow: "POST" });
  if (!ACTIONS[method].has(action) || rest.length > 0 || (provider !== undefined && provider !== "credentials")) {
    throw new ApiError(404, "not_found", `No sign-in endpoint ${method} /api/auth/${segments.join("/").slice(0, 100)}`);
  }
}

/** What next-auth accepts as a callback URL (else it answers 500): a path, or an http(s) URL (which its redirect callback keeps on this site). */
function acceptableCallback(value: string): boolean {
  if (value.startsWith("/")) return safeRedirectPath(value, "") !== "";
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/**
 * A request next-auth can answer without failing: a broken `callbackUrl` parameter is a 400,
 * a broken callback-URL cookie (set by an earlier visit, or by anyone on the client) is dropped.
 */
function sanitised(request: Request): NextRequest {
  const callback = new URL(request.url).searchParams.get("callbackUrl");
  if (callback !== null && !acceptableCallback(callback))
    throw new ApiError(400, "invalid_callback_url", "callbackUrl must be a path of this site, like /admin");
  const cookies = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean);
  const kept = cookies.filter((c) => {
    const [name, ...value] = c.split("=");
    if (!CALLBACK_COOKIES.includes(name)) return true;
    try {
      return acceptableCallback(decodeURIComponent(value.join("=")));
    } catch {
      return false;
    }
  });
  if (kept.length === cookies.length) return request instanceof NextRequest ? request : new NextRequest(request);
  const headers = new Headers(request.headers);
  headers.set("cookie", kept.join("; "));
  return new NextRequest(request.url, { method: request.method, headers, body: request.body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
}

/** next-auth's route handler, with options read from the configuration, for the endpoints it serves. */
export async function authHandler(method: "GET" | "POST", request: Request, segments: string[], context: unknown): Promise<Response> {
  checkEndpoint(method, segments);
  return NextAuth(sanitised(request), context as AuthContext, authOptions());
}
