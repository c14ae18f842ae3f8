import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { decide, requiredAccess } from "@/lib/auth";
import { config as appConfig } from "@/lib/config";
import { crossSiteReason, errorBody } from "@/lib/http";
import { createLogger } from "@/lib/log";

const log = createLogger("auth");

/**
 * Enforces lib/auth/access.ts for every request: anonymous visitors of protected pages go
 * to the sign-in page, APIs answer 401/403 in the API's error format. Posts to pages (server
 * actions) from another site are refused with a 403.
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // Server actions and form posts to pages: from this site only (API routes check it themselves).
  if (!["GET", "HEAD", "OPTIONS"].includes(request.method) && !pathname.startsWith("/api/")) {
    const refused = crossSiteReason(request, appConfig().http.publicUrl);
    if (refused) {
      log.warn("request refused: cross-site", { method: request.method, path: pathname, reason: refused });
      return NextResponse.json(errorBody("cross_site_request", `Refused: ${refused}.`), { status: 403 });
    }
  }
  const access = requiredAccess(request.method, pathname);
  const { dashboardsRequireLogin, secret } = appConfig().auth;
  if (decide(access, null, dashboardsRequireLogin) === "allow") return NextResponse.next();

  const token = await getToken({ req: request, secret });
  const verdict = decide(access, token?.role, dashboardsRequireLogin);
  if (verdict === "allow") return NextResponse.next();

  const wantsJson = pathname.startsWith("/api/") || !["GET", "HEAD"].includes(request.method);
  if (verdict === "unauthenticated") {
    if (wantsJson) return NextResponse.json(errorBody("unauthenticated", "Sign in first: this needs a signed-in user."), { status: 401 });
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }
  log.warn("request refused: admin role required", { method: request.method, path: pathname, user: token?.name ?? token?.sub ?? null });
  if (wantsJson) return NextResponse.json(errorBody("forbidden", "This needs the admin role."), { status: 403 });
  return NextResponse.rewrite(new URL("/forbidden", request.url), { status: 403 });
}

/**
 * Everything but Next's own static files and the prediction APIs (public): Next 16 runs the
 * proxy in its own adapter (~3 ms per request here), which predictions should not pay.
 * access.test.ts checks that every path skipped here is one access.ts keeps public.
 */
export const SKIPPED_PATHS = ["/api/predict", "/api/predict/batch"];
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/predict$|api/predict/batch$).*)"],
};
