/**
 * The one place that says who may reach which route. `proxy.ts` enforces it for every
 * request, and access.test.ts proves it for every route file under app/api and app/admin.
 *
 * - `admin`: the admin area, and every request that changes something (any method other
 *   than GET/HEAD/OPTIONS), except the public mutations listed below.
 * - `viewer`: everything else; public unless DASHBOARDS_REQUIRE_LOGIN is set, then any
 *   signed-in user.
 * - `public`: always open (sign-in itself, health, the prediction APIs, the Open Inference Protocol under /v2).
 */
export type Access = "public" | "viewer" | "admin";

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Changes anyone may make: predictions (one or a batch), feedback on one, and sign-in/out. */
const PUBLIC_MUTATIONS: RegExp[] = [
  /^\/api\/predict$/,
  /^\/api\/predict\/batch$/,
  /^\/api\/feedback$/,
  /^\/api\/auth\//,
  /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/,
];

/** Always open, even when dashboards require sign-in. */
const ALWAYS_PUBLIC: RegExp[] = [
  /^\/signin$/,
  /^\/api\/auth\//,
  /^\/api\/health$/,
  /^\/api\/predict$/,
  /^\/api\/predict\/batch$/,
  /^\/api\/openapi\.json$/,
  /^\/v2(\/|$)/,
];

/**
 * Inngest calls this endpoint with requests signed by INNGEST_SIGNING_KEY, which the SDK
 * verifies; a session cookie could never come from there.
 */
const SIGNED_ELSEWHERE: RegExp[] = [/^\/api\/inngest$/];

const ADMIN_AREAS: RegExp[] = [/^\/admin(\/|$)/, /^\/api\/admin(\/|$)/];

export function requiredAccess(method: string, pathname: string): Access {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if (SIGNED_ELSEWHERE.some((p) => p.test(path))) return "public";
  if (ADMIN_AREAS.some((p) => p.test(path))) return "admin";
  if (!READ_METHODS.has(method.toUpperCase())) return PUBLIC_MUTATIONS.some((p) => p.test(path)) ? "public" : "admin";
  return ALWAYS_PUBLIC.some((p) => p.test(path)) ? "public" : "viewer";
}

export type Verdict = "allow" | "unauthenticated" | "forbidden";

/** What to do with a request, given who sent it (null: nobody signed in). */
export function decide(access: Access, role: string | null | undefined, dashboardsRequireLogin: boolean): Verdict {
  if (access === "public" || (access === "viewer" && !dashboardsRequireLogin)) return "allow";
  if (!role) return "unauthenticated";
  return access === "admin" && role !== "admin" ? "forbidden" : "allow";
}
