import net from "node:net";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictions } from "@/db/schema";
import { trainAndRegister } from "@/lib/pipeline";
import { startAppServer, type AppServer } from "@/lib/testing/app-server";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { httpRequest, type HttpReply } from "@/lib/testing/http";

/**
 * The prediction hot path (server.ts answers POST /api/predict without Next) against the same
 * route through Next (PREDICT_HOT_PATH=false): two real servers on one PostgreSQL, the same
 * requests, the same answers: statuses, error codes, security headers, predictions, and
 * what reaches the prediction log.
 */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let hot: AppServer;
let viaNext: AppServer;
const MAX_BYTES = 4096;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
  const env = {
    DATABASE_URL: database.url!,
    STORAGE_DIR: store.root,
    AUTH_SECRET: "hot-path-test-secret-0123456789abcdef",
    PREDICT_MAX_BYTES: String(MAX_BYTES),
  };
  [hot, viaNext] = await Promise.all([startAppServer(env), startAppServer({ ...env, PREDICT_HOT_PATH: "false" })]);
}, 240_000);
afterAll(async () => {
  await Promise.all([hot?.stop(), viaNext?.stop()]);
  await database?.cleanup();
  await store?.cleanup();
});

const stroke = Array.from({ length: 784 }, (_, i) => (i % 28 > 10 && i % 28 < 16 && i > 84 && i < 700 ? 255 : 0));
const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const SECURITY = ["content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy", "permissions-policy"];

/** What must be the same whichever path answered. */
function essence(reply: HttpReply) {
  const body = reply.headers["content-type"]?.includes("json") ? reply.json() : reply.text;
  // Timings differ from run to run, prediction ids always.
  const withoutIds = (value: Record<string, unknown>) => ({ ...value, timingMs: undefined, predictionId: typeof value.predictionId });
  const rest =
    typeof body === "string" ? body : { ...withoutIds(body), results: (body.results as Array<Record<string, unknown>> | undefined)?.map(withoutIds) };
  return {
    status: reply.status,
    body: rest,
    security: SECURITY.map((h) => reply.headers[h]),
    retryAfter: reply.headers["retry-after"],
    allow: reply.headers.allow,
  };
}

const CASES: Array<[string, string, Parameters<typeof httpRequest>[1]]> = [
  ["pixels", "/api/predict", json({ pixels: stroke })],
  ["pixels, not recorded, with the model's view", "/api/predict?record=false&preprocessed=true", json({ pixels: stroke })],
  ["a model by name", "/api/predict?model=kmnist-logreg%401", json({ pixels: stroke })],
  ["an unknown model", "/api/predict?model=nope%403", json({ pixels: stroke })],
  ["an invalid model reference", "/api/predict?model=a%00b", json({ pixels: stroke })],
  ["785 pixels", "/api/predict", json({ pixels: [...stroke, 0] })],
  ["pixels out of range", "/api/predict", json({ pixels: stroke.map((v) => v * 2) })],
  ["broken JSON", "/api/predict", { method: "POST", headers: { "content-type": "application/json" }, body: '{"pixels": [1,' }],
  ["no body", "/api/predict", { method: "POST", headers: { "content-type": "application/json" } }],
  ["a media type the API does not take", "/api/predict", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" }],
  ["SVG", "/api/predict", { method: "POST", headers: { "content-type": "image/svg+xml" }, body: "<svg xmlns='http://www.w3.org/2000/svg'/>" }],
  [
    "a body over the limit",
    "/api/predict",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pixels: stroke, pad: "x".repeat(MAX_BYTES) }) },
  ],
  [
    "a cross-site post",
    "/api/predict",
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ pixels: stroke }),
    },
  ],
  ["a batch", "/api/predict/batch", json({ items: [{ pixels: stroke }, { pixels: [1] }, { pixels: stroke }] })],
  ["a batch, recorded", "/api/predict/batch?record=true", json({ items: [{ pixels: stroke }] })],
  ["a batch of too many", "/api/predict/batch", json({ items: Array.from({ length: 300 }, () => ({})) })],
  ["GET", "/api/predict", { method: "GET" }],
  ["a trailing slash", "/api/predict/", json({ pixels: stroke })],
];

describe("the prediction hot path answers as Next's route does", () => {
  it.each(CASES)("%s", async (_name, path, options) => {
    const [a, b] = await Promise.all([httpRequest(`${hot.url}${path}`, options), httpRequest(`${viaNext.url}${path}`, options)]);
    expect(essence(a)).toEqual(essence(b));
    // Which path answered: the hot path sends a length, Next streams its route responses.
    const direct = options?.method === "POST" && ["/api/predict", "/api/predict/batch"].includes(path.split("?")[0]);
    expect(a.headers["content-length"] !== undefined).toBe(direct);
    expect(b.headers["content-length"]).toBeUndefined();
  });

  it("records the same predictions in the log, one per recorded request", async () => {
    // A drawing no other test sends, to tell its rows apart from the others'.
    const mine = stroke.map((v, i) => (v && i % 3 === 0 ? 200 : v));
    const ours = async () => (await database.db.select().from(predictions)).filter((row) => Buffer.from(row.input).equals(Buffer.from(mine)));
    for (const server of [hot, viaNext]) {
      for (const record of [true, false]) expect((await httpRequest(`${server.url}/api/predict?record=${record}`, json({ pixels: mine }))).status).toBe(200);
    }
    for (let i = 0; i < 50 && (await ours()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    const rows = await ours();
    expect(rows).toHaveLength(2);
    expect(rows[0].predicted).toBe(rows[1].predicted);
  });

  it("an oversized body sent in chunks without a length is refused with 413 and its connection closed", async () => {
    // A raw socket: the server closes while the client is still sending, so an HTTP client
    // may fail its write (EPIPE) before it reports the answer; the bytes received tell.
    const { port } = new URL(hot.url);
    const received = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), "127.0.0.1");
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(Buffer.concat(chunks).toString()));
      socket.write("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      const chunk = `400\r\n${" ".repeat(1024)}\r\n`;
      let sent = 0;
      const pump = () => {
        while (sent < 64 && !socket.destroyed && socket.write(chunk)) sent++;
        if (sent < 64 && !socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    const [head, body] = received.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(head.toLowerCase()).toContain("connection: close");
    expect(JSON.parse(body).error.code).toBe("payload_too_large");
    expect((await httpRequest(`${hot.url}/api/health`)).status).toBe(200);
  });
});

describe("GET /metrics", () => {
  const scrape = async (server: AppServer) => {
    const reply = await httpRequest(`${server.url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return Object.assign(parsePrometheusTextFormat(reply.text), { text: reply.text });
  };
  const family = (families: ParsedFamily[], name: string) => families.find((f) => f.name === name);
  const sample = (families: ParsedFamily[], name: string, labels: Record<string, string>) =>
    family(families, name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  const count = (families: ParsedFamily[], name: string, labels: Record<string, string>) => Number(sample(families, name, labels)?.value ?? 0);

  it("parses as Prometheus text and counts what was sent, on either path", async () => {
    for (const server of [hot, viaNext]) {
      const before = await scrape(server);
      const ok = { route: "/api/predict", method: "POST", status: "200" };
      const refused = { route: "/api/predict", method: "POST", status: "422" };
      for (let i = 0; i < 7; i++) expect((await httpRequest(`${server.url}/api/predict`, json({ pixels: stroke }))).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await httpRequest(`${server.url}/api/predict`, json({ pixels: [1, 2] }))).status).toBe(422);
      await new Promise((r) => setTimeout(r, 600));
      const after = await scrape(server);
      expect(count(after, "kana_http_requests_total", ok) - count(before, "kana_http_requests_total", ok)).toBe(7);
      expect(count(after, "kana_http_requests_total", refused) - count(before, "kana_http_requests_total", refused)).toBe(3);
      const model = { model: "kmnist-logreg@1" };
      const predicted = (f: ParsedFamily[]) =>
        (family(f, "kana_predictions_total")?.metrics ?? []).filter((m) => m.labels?.model === model.model).reduce((sum, m) => sum + Number(m.value), 0);
      expect(predicted(after) - predicted(before)).toBe(7);
      // The parser merges a labelled histogram's series into one (its flattenMetrics keeps no
      // labels), so the count of one series is read from its own line, which it has validated.
      const latency = (f: { text: string }) =>
        Number(/^kana_http_request_duration_seconds_count\{route="\/api\/predict",method="POST"\} (\d+)$/m.exec(f.text)?.[1] ?? 0);
      expect(latency(after) - latency(before)).toBe(10);
      const batches = (f: ParsedFamily[]) => Number(family(f, "kana_inference_batch_size")?.metrics[0]?.sum ?? 0);
      expect(batches(after) - batches(before)).toBe(7);
      const written = (f: ParsedFamily[]) => count(f, "kana_prediction_log_entries_total", { result: "written" });
      expect(written(after) - written(before)).toBe(7);
      expect(family(after, "kana_inference_queue_depth")?.metrics[0]?.value).toBe("0");
      expect(family(after, "kana_process_cpu_seconds_total")).toBeDefined();
    }
  });
});
