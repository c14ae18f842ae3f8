import fs from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_USERS, startTestLdap, testLdapSettings, type TestLdap } from "@/lib/testing/ldap";
import { sessionCookie } from "@/lib/testing/sessions";
import { decide, requiredAccess } from "./access";
import { ldapSignIn } from "./ldap";
import type { AuthUser } from "./types";

const SECRET = "access-test-secret-access-test-secret-0123";
process.env.AUTH_SECRET = SECRET;
const { proxy, SKIPPED_PATHS, config: proxyConfig } = await import("@/proxy");

const APP = path.resolve("app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every route file under app/api and app/admin, as (method, URL path) pairs with sample ids. */
function enumerateRoutes(): Array<{ method: string; path: string; file: string }> {
  const routes: Array<{ method: string; path: string; file: string }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts" || entry.name === "page.tsx") {
        const urlPath =
          (
            "/" +
            path
              .relative(APP, dir)
              .split(path.sep)
              // Route groups, "(lists)", are not part of the URL.
              .filter((segment) => !/^\(.+\)$/.test(segment))
              .map((segment) => (segment.startsWith("[...") ? "session" : segment.startsWith("[") ? "1" : segment))
              .join("/")
          ).replace(/\/$/, "") || "/";
        const source = fs.readFileSync(full, "utf8");
        // A page answers GET, and POST for its server actions.
        const methods =
          entry.name === "page.tsx"
            ? ["GET", "POST"]
            : METHODS.filter((m) => new RegExp(`export (async )?function ${m}\\b|as ${m}\\b|export const ${m}\\b|\\b${m},|\\b${m} }`).test(source));
        for (const method of methods) routes.push({ method, path: urlPath, file: path.relative(process.cwd(), full) });
      }
    }
  };
  walk(path.join(APP, "api"));
  walk(path.join(APP, "admin"));
  return routes;
}

const sessionOf = (user: Pick<AuthUser, "id" | "name" | "role" | "source">) => sessionCookie(SECRET, user);

function request(method: string, urlPath: string, cookie?: string) {
  return new NextRequest(new URL(urlPath, "http://localhost:3000"), { method, headers: cookie ? { cookie } : {} });
}

const routes = enumerateRoutes();
const isMutation = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);
const PUBLIC_MUTATIONS = ["/api/predict", "/api/predict/batch", "/api/feedback", "/api/inngest"];
const expectedProtected = ({ method, path: p }: { method: string; path: string }) =>
  p.startsWith("/admin") || p.startsWith("/api/admin") || (isMutation(method) && !PUBLIC_MUTATIONS.includes(p) && !p.startsWith("/api/auth/"));

describe("route access rules", () => {
  it("find every route file (sanity: the walk sees the admin area and the APIs)", () => {
    const files = new Set(routes.map((r) => r.file));
    expect(files.size).toBeGreaterThanOrEqual(12);
    expect(routes).toContainEqual(expect.objectContaining({ method: "POST", path: "/api/training" }));
    expect(routes).toContainEqual(expect.objectContaining({ method: "GET", path: "/admin" }));
    expect(routes).toContainEqual(expect.objectContaining({ method: "POST", path: "/api/admin/models" }));
  });

  it("protect the admin area and every mutation but predictions, feedback, sign-in and Inngest's signed calls", () => {
    for (const route of routes) {
      expect([route, requiredAccess(route.method, route.path) === "admin"]).toEqual([route, expectedProtected(route)]);
    }
    expect(requiredAccess("GET", "/admin/")).toBe("admin");
    expect(requiredAccess("GET", "/administrator")).toBe("viewer");
    expect(requiredAccess("DELETE", "/api/benchmarks/1")).toBe("admin");
    expect(requiredAccess("POST", "/")).toBe("admin");
  });

  it("each protected route refuses an anonymous request and a non-admin session; an admin passes", async () => {
    const user = await sessionOf({ id: "ldap:uid=bob", name: "Bob", role: "user", source: "ldap" });
    const admin = await sessionOf({ id: "local:admin", name: "admin", role: "admin", source: "local" });
    const protectedRoutes = routes.filter(expectedProtected);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(5);
    for (const { method, path: p } of protectedRoutes) {
      const anonymous = await proxy(request(method, p));
      if (method === "GET" && !p.startsWith("/api/")) {
        expect([p, anonymous.status]).toEqual([p, 307]);
        expect(anonymous.headers.get("location")).toBe(`http://localhost:3000/signin?callbackUrl=${encodeURIComponent(p)}`);
      } else {
        expect([method, p, anonymous.status]).toEqual([method, p, 401]);
        expect(await anonymous.json()).toMatchObject({ error: { code: "unauthenticated" } });
      }
      const nonAdmin = await proxy(request(method, p, user));
      expect([method, p, nonAdmin.status]).toEqual([method, p, 403]);
      const allowed = await proxy(request(method, p, admin));
      expect([method, p, allowed.headers.get("x-middleware-next")]).toEqual([method, p, "1"]);
    }
  });

  it("public and dashboard routes pass without a session; a forged or foreign token counts as anonymous", async () => {
    for (const { method, path: p } of routes.filter((r) => !expectedProtected(r))) {
      expect([method, p, (await proxy(request(method, p))).headers.get("x-middleware-next")]).toEqual([method, p, "1"]);
    }
    const foreign = await encode({ secret: "another-secret-another-secret-another-secret", token: { sub: "x", role: "admin", source: "local" } });
    expect((await proxy(request("POST", "/api/training", `next-auth.session-token=${foreign}`))).status).toBe(401);
    expect((await proxy(request("POST", "/api/training", "next-auth.session-token=not-a-jwt"))).status).toBe(401);
  });

  it("the proxy skips only paths that are public for every method anyway", () => {
    const matcher = new RegExp(`^${proxyConfig.matcher[0]}$`);
    for (const p of SKIPPED_PATHS) {
      expect([p, matcher.test(p)]).toEqual([p, false]);
      for (const method of ["GET", "POST", "PUT", "DELETE"]) expect([method, p, decide(requiredAccess(method, p), null, true)]).toEqual([method, p, "allow"]);
    }
    // Near misses are still checked.
    for (const p of ["/api/predictions", "/api/predict/x", "/api/predict/batches", "/api/health", "/admin", "/api/training"])
      expect([p, matcher.test(p)]).toEqual([p, true]);
  });

  it("DASHBOARDS_REQUIRE_LOGIN turns dashboards into signed-in-only pages", () => {
    expect(decide("viewer", null, false)).toBe("allow");
    expect(decide("viewer", null, true)).toBe("unauthenticated");
    expect(decide("viewer", "user", true)).toBe("allow");
    expect(decide("public", null, true)).toBe("allow");
    expect(decide("admin", "user", false)).toBe("forbidden");
  });
});

describe("LDAP users through the access rules (real slapd)", () => {
  let ldap: TestLdap;
  beforeAll(async () => {
    ldap = await startTestLdap();
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  it("a member of the admin group reaches /admin; a user outside it gets 403", async () => {
    const alice = await ldapSignIn(testLdapSettings(ldap.url), "alice", LDAP_USERS.alice.password);
    const bob = await ldapSignIn(testLdapSettings(ldap.url), "bob", LDAP_USERS.bob.password);
    expect((await proxy(request("GET", "/admin", await sessionOf(alice)))).headers.get("x-middleware-next")).toBe("1");
    const refused = await proxy(request("GET", "/admin", await sessionOf(bob)));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("x-middleware-rewrite")).toBe("http://localhost:3000/forbidden");
  });
});
