import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { requiredAccess } from "@/lib/auth";
import { errorSchema, type Operation } from "@/lib/http";
import { OPERATIONS } from "@/lib/openapi";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * The API contract holds both ways: every exported handler of app/api/**\/route.ts (and app/metrics)
 * implements an operation of the document (same method and path) and every operation has a
 * handler; and what the real handlers answer (PostgreSQL, the object store, a trained model
 * and its benchmark) validates against the operation's response schema.
 */
// The JSON API, and the protocols' endpoints at the root (Prometheus' /metrics, KServe's /v2).
const API_DIRS = ["api", "metrics", "v2"].map((dir) => path.join(process.cwd(), "app", dir));
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const SECRET = "contract-test-secret-0123456789abcdef0123";

type Handler = ((request: Request, context?: unknown) => Promise<Response>) & { operation?: Operation<unknown, unknown, unknown> };

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? routeFiles(full) : entry.name === "route.ts" ? [full] : [];
  });
}

/** `app/api/benchmarks/[id]/route.ts` → `/api/benchmarks/{id}`. */
const documentedPath = (file: string) =>
  "/" +
  path
    .relative(path.join(process.cwd(), "app"), path.dirname(file))
    .split(path.sep)
    .map((s) => s.replace(/^\[(\.\.\.)?(.+)\]$/, "{$2}"))
    .join("/");

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const handlers = new Map<string, Handler>();
let adminCookie: string;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  process.env.TRAIN_SCHEDULE = "off";
  await importTestKmnist(database.db, store);
  const { trainAndRegister } = await import("@/lib/pipeline");
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
  const { benchmarkSweep, closeBenchmarkPool, engineOptions } = await import("@/lib/benchmark");
  await benchmarkSweep({ db: database.db, store }, engineOptions({ workers: 1 }));
  await closeBenchmarkPool();
  // A stopped runner still queues jobs without running them: the requests are what is tested.
  const { embeddedRunner } = await import("@/lib/jobs");
  await (await embeddedRunner()).stop();
  adminCookie = await sessionCookie(SECRET, "admin");
  for (const file of API_DIRS.flatMap((dir) => routeFiles(dir))) {
    const routeModule = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS)
      if (typeof routeModule[method] === "function") handlers.set(`${method} ${documentedPath(file)}`, routeModule[method] as Handler);
  }
}, 240_000);
afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

const call = (key: string, init: RequestInit & { path?: string; params?: Record<string, unknown> } = {}) => {
  const [method, documented] = key.split(" ");
  const url = `http://localhost${init.path ?? documented}`;
  return handlers.get(key)!(new Request(url, { ...init, method }), init.params ? { params: Promise.resolve(init.params) } : undefined);
};

const validated: string[] = [];

/** The body validates against the operation's schema for its status (or the error schema for an error). */
async function expectContract(key: string, response: Response, status: number): Promise<unknown> {
  expect(response.status, key).toBe(status);
  const op = handlers.get(key)!.operation!;
  const doc = op.responses[status];
  const text = await response.text();
  if (status >= 400) {
    expect(() => errorSchema.parse(JSON.parse(text)), `${key} ${status}`).not.toThrow();
    validated.push(`${key} ${status}`);
    return JSON.parse(text);
  }
  expect(doc, `${key} documents ${status}`).toBeDefined();
  if (doc.json && response.headers.get("content-type")?.startsWith("application/json")) {
    const parsed = (doc.json as z.ZodType).safeParse(JSON.parse(text));
    expect(parsed.success ? [] : parsed.error.issues.slice(0, 3), `${key} ${status} against its schema`).toEqual([]);
  } else {
    expect(
      Object.keys(doc.media ?? {}).some((type) => response.headers.get("content-type")?.startsWith(type)),
      `${key}: ${response.headers.get("content-type")}`,
    ).toBe(true);
  }
  validated.push(`${key} ${status}`);
  return text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text;
}

const json = (body: unknown, extra: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers: { "content-type": "application/json", ...extra } });

describe("the API contract", () => {
  it("has one operation for every exported route handler, and a handler for every operation", () => {
    const implemented = [...handlers].map(([key, handler]) => {
      expect(handler.operation, `${key} is wrapped by route() with its operation`).toBeDefined();
      return [key, `${handler.operation!.method} ${handler.operation!.path}`];
    });
    for (const [key, declared] of implemented) expect(declared).toBe(key);
    expect(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort()).toEqual([...handlers.keys()].sort());
    expect(new Set(OPERATIONS.map((op) => op.id)).size).toBe(OPERATIONS.length);
  });

  it("documents for every operation the access proxy.ts enforces (lib/auth/access.ts)", () => {
    for (const op of OPERATIONS) {
      const samplePath = op.path.replace(/\{[^}]+\}/g, "1");
      expect([op.id, requiredAccess(op.method, samplePath)]).toEqual([op.id, op.access]);
    }
  });

  it("answers with bodies that validate against the declared schemas", async () => {
    const pixels = Array.from({ length: 784 }, (_, i) => (i % 28 > 9 && i % 28 < 17 ? 255 : 0));
    const prediction = (await expectContract("POST /api/predict", await call("POST /api/predict", json({ pixels })), 200)) as { predictionId: string };
    await expectContract("GET /api/predict", await call("GET /api/predict"), 405);
    await expectContract("POST /api/feedback", await call("POST /api/feedback", json({ predictionId: prediction.predictionId, correct: true })), 201);
    await expectContract("GET /api/training", await call("GET /api/training"), 200);
    await expectContract("POST /api/training", await call("POST /api/training", json({ algorithms: ["tree"] }, { cookie: adminCookie })), 202);

    const page = (await expectContract("GET /api/benchmarks", await call("GET /api/benchmarks"), 200)) as {
      rows: Array<{ id: number; modelVersionId: number }>;
    };
    await expectContract("GET /api/benchmarks", await call("GET /api/benchmarks", { path: "/api/benchmarks?format=json" }), 200);
    await expectContract("GET /api/benchmarks", await call("GET /api/benchmarks", { path: "/api/benchmarks?format=csv" }), 200);
    const [{ id, modelVersionId }] = page.rows;
    await expectContract("POST /api/benchmarks", await call("POST /api/benchmarks", json({ rerun: [id] }, { cookie: adminCookie })), 202);
    await expectContract("GET /api/benchmarks/{id}", await call("GET /api/benchmarks/{id}", { params: { id: String(id) } }), 200);
    await expectContract(
      "GET /api/benchmarks/{id}",
      await call("GET /api/benchmarks/{id}", { path: `/api/benchmarks/${id}?format=csv`, params: { id: String(id) } }),
      200,
    );
    await expectContract("GET /api/benchmarks/{id}", await call("GET /api/benchmarks/{id}", { params: { id: "x" } }), 400);
    await expectContract("GET /api/benchmarks/best", await call("GET /api/benchmarks/best"), 200);
    await expectContract(
      "GET /api/models/versions/{id}/explanation",
      await call("GET /api/models/versions/{id}/explanation", { params: { id: String(modelVersionId) } }),
      200,
    );
    await expectContract(
      "GET /api/models/versions/{id}/artifact",
      await call("GET /api/models/versions/{id}/artifact", { params: { id: String(modelVersionId) } }),
      200,
    );

    // The logistic regression's ONNX form, which ONNX Runtime loads; an unknown format is refused.
    const { modelVersions } = await import("@/db/schema");
    const [{ id: logregId }] = await database.db.select({ id: modelVersions.id }).from(modelVersions).where(eq(modelVersions.algorithm, "logreg")).limit(1);
    const onnxResponse = await call("GET /api/models/versions/{id}/artifact", {
      path: `/api/models/versions/${logregId}/artifact?format=onnx`,
      params: { id: String(logregId) },
    });
    await expectContract("GET /api/models/versions/{id}/artifact", onnxResponse.clone(), 200);
    const { loadOnnxClassifier } = await import("@/lib/ml");
    const session = await loadOnnxClassifier(new Uint8Array(await onnxResponse.arrayBuffer()), { intraOpNumThreads: 1 });
    expect((await session.predictProba(new Float32Array(784), 1)).length).toBe(10);
    await session.release();
    await expectContract(
      "GET /api/models/versions/{id}/artifact",
      await call("GET /api/models/versions/{id}/artifact", {
        path: `/api/models/versions/${modelVersionId}/artifact?format=tar`,
        params: { id: String(modelVersionId) },
      }),
      422,
    );
    const zip = await (await call("GET /api/models/versions/{id}/artifact", { params: { id: String(modelVersionId) } })).arrayBuffer();
    const form = new FormData();
    form.append("file", new Blob([zip]), "model.zip");
    form.append("name", "contract-upload");
    await expectContract("POST /api/admin/models", await call("POST /api/admin/models", { body: form, headers: { cookie: adminCookie } }), 201);

    await expectContract("GET /api/health", await call("GET /api/health"), 200);
    await expectContract("GET /api/health", await call("GET /api/health", { headers: { cookie: adminCookie } }), 200);
    await expectContract("GET /api/openapi.json", await call("GET /api/openapi.json"), 200);
    // next-auth and Inngest speak their own protocols; what this app answers before them follows the error schema.
    await expectContract("GET /api/auth/{nextauth}", await call("GET /api/auth/{nextauth}", { path: "/api/auth/nope", params: { nextauth: ["nope"] } }), 404);
    await expectContract(
      "POST /api/auth/{nextauth}",
      await call("POST /api/auth/{nextauth}", {
        path: "/api/auth/nope",
        params: { nextauth: ["nope"] },
        body: "a=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      404,
    );
    for (const method of ["GET", "POST", "PUT"]) {
      await expectContract(`${method} /api/inngest`, await call(`${method} /api/inngest`, method === "GET" ? {} : json({})), 404);
    }
    console.info(`contract: ${validated.length} real responses validated`);
  }, 120_000);
});
