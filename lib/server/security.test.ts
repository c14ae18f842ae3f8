// Over 250 lines: one regression test per finding of the hardening issue, all against one real server.
import http from "node:http";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, benchmarks, logs } from "@/db/schema";
import { benchmarkSweep, closeBenchmarkPool, engineOptions } from "@/lib/benchmark";
import { trainAndRegister } from "@/lib/pipeline";
import { startAppServer, type AppServer } from "@/lib/testing/app-server";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { httpRequest, signInOverHttp } from "@/lib/testing/http";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * Regression tests for the hardening issue, on the real server path: server.ts over the
 * build (our HTTP server, Next's router, the proxy, the route handlers) on PostgreSQL.
 * Several clients are told apart by their loopback source address (127.0.0.x).
 */
const SECRET = "security-test-secret-0123456789abcdef0123456789";
const ADMIN_PASSWORD = "admin-password-for-tests";
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let server: AppServer;
let adminCookie: string;
let benchmarkId: number;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
  await benchmarkSweep({ db: database.db, store }, engineOptions({ workers: 1, explain: false }));
  await closeBenchmarkPool();
  [{ id: benchmarkId }] = await database.db.select({ id: benchmarks.id }).from(benchmarks);
  server = await startAppServer({
    DATABASE_URL: database.url!,
    STORAGE_DIR: store.root,
    AUTH_SECRET: SECRET,
    ADMIN_PASSWORD,
    SIGNIN_MAX_FAILURES: "5",
    PREDICT_RATE_LIMIT: "5",
    PREDICT_RATE_BURST: "10",
    PREDICT_CLIENT_CONCURRENCY: "8",
    FEEDBACK_RATE_LIMIT: "3",
  });
  adminCookie = await sessionCookie(SECRET, "admin");
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await database?.cleanup();
  await store?.cleanup();
});

const url = (path: string) => `${server.url}${path}`;
const pixels = JSON.stringify({ pixels: Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 ? 255 : 0)) });
const errorCode = (reply: { json(): Record<string, unknown> }) => (reply.json().error as { code?: string } | undefined)?.code;

describe("1. image decoding: SVG is refused before any decoder sees it", () => {
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="6000" height="6000"><filter id="f"><feMorphology radius="80"/></filter><rect width="6000" height="6000" filter="url(#f)"/></svg>',
  );
  it("as a raw body, a data URL and a multipart file: 415 at once", async () => {
    const raw = await httpRequest(url("/api/predict"), { method: "POST", headers: { "content-type": "image/svg+xml" }, body: svg, localAddress: "127.0.0.11" });
    const dataUrl = await httpRequest(url("/api/predict"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ image: `data:image/svg+xml;base64,${svg.toString("base64")}` }),
      localAddress: "127.0.0.11",
    });
    const form = new FormData();
    form.append("image", new Blob([svg], { type: "image/svg+xml" }), "x.svg");
    const multipart = await fetch(url("/api/predict"), { method: "POST", body: form });
    for (const reply of [raw, dataUrl]) {
      expect(reply.status).toBe(415);
      expect(errorCode(reply)).toBe("unsupported_format");
      expect(reply.ms).toBeLessThan(1000);
    }
    expect(multipart.status).toBe(415);
  });
});

describe("3. sign-in lockout", () => {
  it("trusts no X-Forwarded-For without TRUST_PROXY: an attacker's failures lock the attacker, never the admin's own address", async () => {
    // The admin signs in once from 127.0.0.3: a known address from now on.
    expect((await signInOverHttp(server.url, "admin", ADMIN_PASSWORD, "127.0.0.3")).ok).toBe(true);
    for (let i = 0; i < 20; i++) {
      const attempt = await httpRequest(url("/api/auth/csrf"), { localAddress: "127.0.0.2", headers: { "x-forwarded-for": `203.0.113.${i}` } });
      expect(attempt.status).toBe(200);
      await signInOverHttp(server.url, "admin", `wrong-${i}`, "127.0.0.2");
    }
    // Locked for the attacker's real address, whatever it claimed to be...
    expect((await signInOverHttp(server.url, "admin", ADMIN_PASSWORD, "127.0.0.2")).ok).toBe(false);
    const [lockout] = await database.db.select().from(auditLog).where(eq(auditLog.action, "signin.lockout"));
    expect(lockout.after).toMatchObject({ username: "admin", address: "127.0.0.2" });
    // ...not for the admin.
    const admin = await signInOverHttp(server.url, "admin", ADMIN_PASSWORD, "127.0.0.3");
    expect(admin.ok).toBe(true);
  }, 60_000);

  it("caps one address across user names, and a flood of throwaway names does not evict a lockout", async () => {
    for (let i = 0; i < 60; i++) await signInOverHttp(server.url, `junk-${i}`, "x", "127.0.0.4");
    // Over the per-address cap (20): even a new name is refused from there.
    const sprayed = await signInOverHttp(server.url, "someone", "x", "127.0.0.4");
    expect(sprayed.error).toMatch(/Too many failed sign-ins/);
    expect((await signInOverHttp(server.url, "admin", ADMIN_PASSWORD, "127.0.0.2")).ok).toBe(false);
  }, 120_000);
});

describe("4. cross-site requests", () => {
  const admin = () => ({ cookie: adminCookie, "content-type": "application/json" });
  it("refuses a signed-in admin's requests coming from another origin or another site", async () => {
    const otherPort = await httpRequest(url("/api/benchmarks"), { method: "POST", headers: { ...admin(), origin: "http://127.0.0.1:1" }, body: "{}" });
    expect([otherPort.status, errorCode(otherPort)]).toEqual([403, "cross_site_request"]);
    const sameSite = await httpRequest(url("/api/training"), { method: "POST", headers: { ...admin(), "sec-fetch-site": "same-site" }, body: "{}" });
    expect([sameSite.status, errorCode(sameSite)]).toEqual([403, "cross_site_request"]);
    const upload = await httpRequest(url("/api/admin/models"), {
      method: "POST",
      headers: { cookie: adminCookie, origin: "http://evil.test", "content-type": "multipart/form-data; boundary=x" },
      body: "--x--",
    });
    expect(upload.status).toBe(403);
    // What the browser sends from this site's own pages is accepted.
    const own = await httpRequest(url("/api/benchmarks"), {
      method: "POST",
      headers: { ...admin(), origin: server.url, "sec-fetch-site": "same-origin" },
      body: "{}",
    });
    expect(own.status).toBe(202);
  });

  it("parses JSON only from a JSON content type", async () => {
    const plain = await httpRequest(url("/api/benchmarks"), { method: "POST", headers: { cookie: adminCookie, "content-type": "text/plain" }, body: "{}" });
    expect([plain.status, errorCode(plain)]).toEqual([415, "unsupported_media_type"]);
  });

  it("refuses a cross-site server action with a 403, not a 500", async () => {
    const action = await httpRequest(url("/admin"), {
      method: "POST",
      headers: {
        cookie: adminCookie,
        origin: "http://evil.test",
        "next-action": "0123456789abcdef0123456789abcdef01234567",
        "content-type": "text/plain;charset=UTF-8",
      },
      body: "[]",
    });
    expect(action.status).toBe(403);
  });
});

describe("6. server errors from anonymous input", () => {
  it("names NUL in a model reference, in the query, the JSON body and a multipart field", async () => {
    const query = await httpRequest(url("/api/predict?model=a%00b"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: pixels,
      localAddress: "127.0.0.12",
    });
    const json = await httpRequest(url("/api/predict"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...JSON.parse(pixels), model: "a\u0000b" }),
      localAddress: "127.0.0.12",
    });
    const form = new FormData();
    form.append(
      "image",
      new Blob(
        [
          await sharp({ create: { width: 40, height: 40, channels: 3, background: "white" } })
            .png()
            .toBuffer(),
        ],
        { type: "image/png" },
      ),
      "x.png",
    );
    form.append("model", "a\u0000b");
    const multipart = await fetch(url("/api/predict"), { method: "POST", body: form });
    for (const status of [query.status, json.status, multipart.status]) expect(status).toBe(422);
  });

  it("answers unknown or broken path parameters and next-auth's GET callback with 4xx", async () => {
    expect((await httpRequest(url("/datasets/a%00b"))).status).toBe(404);
    expect((await httpRequest(url("/datasets/%E0%A4%A"))).status).toBe(400);
    expect((await httpRequest(url("/models/999999"))).status).toBe(404);
    expect((await httpRequest(url("/benchmarks/999999"))).status).toBe(404);
    expect((await httpRequest(url("/api/auth/callback/credentials"))).status).toBe(405);
    const overflow = await httpRequest(url("/api/benchmarks"), {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json" },
      body: '{"rerun":[2147483648]}',
    });
    expect([overflow.status, errorCode(overflow)]).toEqual([422, "validation_failed"]);
  });
});

describe("7. benchmark re-runs are all or nothing", () => {
  const rerun = (ids: number[]) =>
    httpRequest(url("/api/benchmarks"), {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json" },
      body: JSON.stringify({ rerun: ids }),
    });
  it("queues nothing when one id cannot be re-run, and takes a repeated id once", async () => {
    await waitForDone();
    const mixed = await rerun([benchmarkId, 999_999]);
    expect(mixed.status).toBe(409);
    expect((await database.db.select().from(benchmarks).where(eq(benchmarks.id, benchmarkId)))[0].status).toBe("done");
    const twice = await rerun([benchmarkId, benchmarkId]);
    expect(twice.status).toBe(202);
    expect(twice.json().rerun).toEqual([benchmarkId, benchmarkId]);
    await waitForDone();
  }, 60_000);
});

async function waitForDone() {
  for (let i = 0; i < 300; i++) {
    const rows = await database.db.select().from(benchmarks);
    if (rows.every((b) => b.status === "done")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("benchmarks did not finish");
}

describe("8. a client that aborts its upload", () => {
  it("is neither an outage nor an error in the log, and crashes nothing", async () => {
    const errorsBefore = await database.db.select().from(logs).where(eq(logs.level, "error"));
    for (const method of ["POST", "DELETE"]) {
      await new Promise<void>((resolve) => {
        const request = http.request(url("/api/predict"), { method, headers: { "content-type": "application/json", "content-length": "100000" } });
        request.on("error", () => resolve());
        request.write('{"pixels":[0,0,0');
        setTimeout(() => {
          request.destroy();
          resolve();
        }, 300);
      });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect((await httpRequest(url("/api/health"))).status).toBe(200);
    expect(server.output()).not.toMatch(/uncaughtException|database unavailable/);
    expect(await database.db.select().from(logs).where(eq(logs.level, "error"))).toHaveLength(errorsBefore.length);
  });
});

describe("9. anonymous traffic is limited per client", () => {
  it("answers 429 with Retry-After past the prediction rate, and other clients are not affected", async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 25; i++) {
      const reply = await httpRequest(url("/api/predict?record=false"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: pixels,
        localAddress: "127.0.0.50",
      });
      statuses.push(reply.status);
      if (reply.status === 429) retryAfter = reply.headers["retry-after"] as string;
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(10);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await httpRequest(url("/api/predict?record=false"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: pixels,
      localAddress: "127.0.0.51",
    });
    expect(other.status).toBe(200);
  });

  it("limits feedback per client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const reply = await httpRequest(url("/api/feedback"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ predictionId: crypto.randomUUID(), correct: true }),
        localAddress: "127.0.0.52",
      });
      statuses.push(reply.status);
    }
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

describe("hostile input to next-auth's endpoints (generated; over HTTP, since next-auth needs Next's request scope)", () => {
  it("answers every case without a 5xx", async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("", "\u0000", "//evil.test", "/\\evil.test", "javascript:alert(1)", "x@99999999999", "9".repeat(300), "credentials"),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.oneof(fc.constantFrom("signin", "signout", "callback", "credentials", "session", "csrf", "providers", "error"), text), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.dictionary(fc.constantFrom("csrfToken", "username", "password", "callbackUrl", "json", "redirect"), text, { maxKeys: 6 }),
        fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain"),
        async (post, segments, fields, type) => {
          const path = url(`/api/auth/${segments.map(encodeURIComponent).join("/")}`);
          const form = new URLSearchParams(fields).toString();
          const reply = post
            ? await httpRequest(path, {
                method: "POST",
                headers: { "content-type": type },
                body: type === "application/json" ? JSON.stringify(fields) : form,
                localAddress: "127.0.0.60",
              })
            : await httpRequest(`${path}?${form}`, { localAddress: "127.0.0.60" });
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          expect(reply.status, `${post ? "POST" : "GET"} ${path}: ${reply.text.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 80, seed: 20261202 },
    );
    console.info(`hostile /api/auth/*: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
  }, 120_000);
});

describe("10. headers, health details and next-auth's own URLs", () => {
  it("sends security headers on pages and APIs", async () => {
    for (const path of ["/", "/api/health"]) {
      const reply = await httpRequest(url(path));
      expect(reply.headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
      expect(reply.headers["x-content-type-options"]).toBe("nosniff");
      expect(reply.headers["x-frame-options"]).toBe("DENY");
      expect(reply.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    }
  });

  it("shows health details (paths, causes, timings) to admins only", async () => {
    const anonymous = (await httpRequest(url("/api/health"))).json();
    expect(anonymous).toEqual({ ok: true, components: { database: { ok: true }, objectStore: { ok: true } } });
    expect(JSON.stringify((await httpRequest(url("/api/health"), { headers: { cookie: adminCookie } })).json())).toContain(store.root);
  });

  it("builds next-auth's URLs from the address the request came to, not localhost:3000", async () => {
    const providers = (await httpRequest(url("/api/auth/providers"))).json<Record<string, { signinUrl: string }>>();
    expect(providers.credentials.signinUrl.startsWith(server.url)).toBe(true);
  });

  it("keeps the log free of rows for rejected sign-ins beyond the bounded sample", async () => {
    const rows = await database.db
      .select()
      .from(logs)
      .where(and(eq(logs.component, "api"), eq(logs.level, "warn")));
    expect(rows.length).toBeLessThan(200);
  });
});
