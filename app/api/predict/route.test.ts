import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logs } from "@/db/schema";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { NON_CHARACTER_KINDS, nonCharacter, nonCharacterStrokes, penStrokes } from "@/lib/testing/handwriting-variants";
import { kmnistPng, pngClaiming, randomBytesSeeded } from "@/lib/testing/images";

/**
 * The real route handler on a real PostgreSQL database and object store, with a logistic
 * regression and a decision tree trained on KMNIST through the real pipeline.
 */
let POST: (request: Request) => Promise<Response>;
let GET: (request: Request) => Promise<Response>;
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let images: Uint8Array;
let labels: Uint8Array;

const URL_BASE = "http://localhost/api/predict";

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  // The app's singletons read these on first use; the modules are imported afterwards.
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.PREDICT_MAX_BYTES = String(2 * 1024 * 1024);
  process.env.PREDICT_MAX_PIXELS = String(4_000_000);
  const { getDb } = await import("@/lib/db");
  const { KMNIST_FILES, parseIdx } = await import("@/lib/data");
  const { trainAndRegister } = await import("@/lib/pipeline");
  const db = await getDb();
  const { objectStore } = await import("@/lib/storage");
  await importTestKmnist(db, objectStore());
  await trainAndRegister(db, objectStore(), { algorithm: "logreg", hyperparameters: { epochs: 8 } });
  await trainAndRegister(db, objectStore(), { algorithm: "tree", hyperparameters: { maxDepth: 6 } });
  images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
  ({ POST, GET } = await import("./route"));
}, 180_000);

afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

const image = (k: number) => images.subarray(k * 784, (k + 1) * 784);

function post(body: BodyInit | null, contentType: string | null, query = ""): Promise<Response> {
  const headers = new Headers();
  if (contentType) headers.set("content-type", contentType);
  return POST(new Request(`${URL_BASE}${query}`, { method: "POST", body, headers }));
}

const json = (value: unknown, query = "") => post(JSON.stringify(value), "application/json", query);

interface PredictionBody {
  label: number;
  char: string;
  probabilities: Array<{ label: number; char: string; p: number }>;
  model: { name: string; version: number; algorithm: string };
  preprocessed?: number[];
  timingMs: { total: number };
  unsure: boolean;
  confidenceFloor: number | null;
}

async function expectPrediction(response: Response): Promise<PredictionBody> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as PredictionBody;
  expect(body.probabilities).toHaveLength(10);
  expect(new Set(body.probabilities.map((p) => p.label)).size).toBe(10);
  expect(body.probabilities.reduce((s, p) => s + p.p, 0)).toBeCloseTo(1, 4);
  for (let i = 1; i < 10; i++) expect(body.probabilities[i - 1].p).toBeGreaterThanOrEqual(body.probabilities[i].p);
  expect(body.label).toBe(body.probabilities[0].label);
  expect(body.char).toBe(body.probabilities[0].char);
  expect(body.timingMs.total).toBeGreaterThan(0);
  return body;
}

async function expectRejection(response: Response, status: number, code: string) {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(body.error?.message.length).toBeGreaterThan(5);
}

describe("POST /api/predict: input forms", () => {
  it("JSON pixels 0-255, answered by the champion (best holdout accuracy)", async () => {
    const body = await expectPrediction(await json({ pixels: Array.from(image(3)) }));
    expect(body.model).toMatchObject({ name: "kmnist-logreg", version: 1 });
    expect(body.preprocessed).toBeUndefined();
  });

  it("JSON pixels 0-1 give the same answer as 0-255", async () => {
    const a = await expectPrediction(await json({ pixels: Array.from(image(5)) }));
    const b = await expectPrediction(await json({ pixels: Array.from(image(5), (v) => v / 255), scale: "0-1" }));
    expect(b.probabilities).toEqual(a.probabilities);
  });

  it("a PNG data URL, a multipart upload and a raw image body agree", async () => {
    const png = await kmnistPng(image(7), 280);
    const viaDataUrl = await expectPrediction(await json({ image: `data:image/png;base64,${png.toString("base64")}` }));
    const form = new FormData();
    form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }), "char.png");
    const viaForm = await expectPrediction(await POST(new Request(URL_BASE, { method: "POST", body: form })));
    const viaRaw = await expectPrediction(await post(new Uint8Array(png), "image/png"));
    expect(viaForm.probabilities).toEqual(viaDataUrl.probabilities);
    expect(viaRaw.probabilities).toEqual(viaDataUrl.probabilities);
  });

  it.each(["jpeg", "webp", "gif", "avif", "tiff"] as const)("accepts %s uploads", async (format) => {
    const encoded = await sharp(await kmnistPng(image(11), 140))
      .toFormat(format)
      .toBuffer();
    await expectPrediction(await post(new Uint8Array(encoded), `image/${format}`));
  });

  it("returns the preprocessed 28x28 input when asked, by query or body", async () => {
    const viaQuery = await expectPrediction(await post(new Uint8Array(await kmnistPng(image(2), 280)), "image/png", "?preprocessed=true"));
    expect(viaQuery.preprocessed).toHaveLength(784);
    expect(Math.max(...viaQuery.preprocessed!)).toBeGreaterThan(200);
    const viaBody = await expectPrediction(await json({ pixels: Array.from(image(2)), preprocessed: true }));
    expect(viaBody.preprocessed).toEqual(Array.from(image(2)));
  });

  it("a drawing's strokes: rendered at the character's own stroke width, so a small drawing reads like a large one", async () => {
    const strokes = await penStrokes(image(4), 1, 4);
    const large = await expectPrediction(await json({ strokes }, "?preprocessed=true"));
    // The same strokes shrunk to a quarter, moved to a corner.
    const small = strokes.map((line) => line.map(([x, y]) => [10 + x / 4, 200 + y / 4]));
    const smallAnswer = await expectPrediction(await json({ strokes: small }, "?preprocessed=true"));
    expect(smallAnswer.label).toBe(large.label);
    const difference = smallAnswer.preprocessed!.reduce((sum, v, i) => sum + Math.abs(v - large.preprocessed![i]), 0) / 784;
    expect(difference).toBeLessThan(3);
    expect(large).toMatchObject({ unsure: expect.any(Boolean) });
  });

  it("refuses a dot, a straight tick, a scribble, a filled blob and noise as not a character, and records nothing", async () => {
    const { predictions } = await import("@/db/schema");
    const { flushPredictionLog } = await import("@/lib/monitoring");
    await flushPredictionLog();
    const before = (await database.db.select({ id: predictions.id }).from(predictions)).length;
    for (const kind of NON_CHARACTER_KINDS) {
      const drawn = nonCharacterStrokes(kind, 3);
      const response = drawn
        ? await json({ strokes: drawn })
        : await post(new Uint8Array(await nonCharacter(kind, 3)), kind === "noise" ? "image/jpeg" : "image/png");
      const body = (await response.json()) as { error?: { code: string; message: string } };
      expect({ kind, status: response.status, code: body.error?.code }).toEqual({ kind, status: 422, code: "not_a_character" });
      expect(body.error!.message).toMatch(/^Not a character: /);
    }
    await flushPredictionLog();
    expect((await database.db.select({ id: predictions.id }).from(predictions)).length).toBe(before);
  });

  it("flags an answer as unsure below the model's 1st-percentile confidence on its holdout: at most 1 % of the holdout", async () => {
    const { benchmarkSweep, engineOptions } = await import("@/lib/benchmark");
    const { latestVersion, loadSnapshot } = await import("@/lib/data");
    const { objectStore } = await import("@/lib/storage");
    // Before the champion has a benchmark there is no calibration: nothing is flagged.
    const uncalibrated = await expectPrediction(await json({ pixels: Array.from(image(3)) }));
    expect(uncalibrated).toMatchObject({ unsure: false, confidenceFloor: null });
    await benchmarkSweep({ db: database.db, store: objectStore() }, engineOptions({ workers: 1, explain: false }));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the service's model resolution is cached for a second
    const holdout = await loadSnapshot(objectStore(), (await latestVersion(database.db, "kmnist-holdout"))!);
    let unsure = 0;
    let floor: number | null = null;
    for (let k = 0; k < holdout.count; k++) {
      const answer = await expectPrediction(await json({ pixels: Array.from(holdout.images.subarray(k * 784, (k + 1) * 784)) }, "?record=false"));
      floor = answer.confidenceFloor;
      if (answer.unsure) unsure++;
      expect(answer.unsure).toBe(answer.probabilities[0].p < floor!);
    }
    expect(floor).toBeGreaterThan(0.1);
    expect(unsure).toBeGreaterThan(0);
    expect(unsure / holdout.count).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it("hands out a predictionId for the log, unless asked not to record (?record=false)", async () => {
    const recorded = (await (await json({ pixels: Array.from(image(3)) })).json()) as { predictionId: string | null };
    expect(recorded.predictionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const preview = (await (await json({ pixels: Array.from(image(3)) }, "?record=false")).json()) as { predictionId: string | null };
    expect(preview.predictionId).toBeNull();
    expect((await json({ pixels: Array.from(image(3)) }, "?record=maybe")).status).toBe(422);
  });

  it("selects a model by name@version, name@latest and name", async () => {
    for (const ref of ["kmnist-tree@1", "kmnist-tree@latest", "kmnist-tree"]) {
      const body = await expectPrediction(await json({ pixels: Array.from(image(1)) }, `?model=${encodeURIComponent(ref)}`));
      expect(body.model).toEqual({ name: "kmnist-tree", version: 1, algorithm: "tree" });
    }
    const viaBody = await expectPrediction(await json({ pixels: Array.from(image(1)), model: "kmnist-tree@1" }));
    expect(viaBody.model.name).toBe("kmnist-tree");
  });

  it("follows a champion change within a second, each request answered by one version", async () => {
    const { modelVersions } = await import("@/db/schema");
    const before = await expectPrediction(await json({ pixels: Array.from(image(4)) }));
    expect(before.model.name).toBe("kmnist-logreg");
    // Archiving the champion hands the title to the next best model.
    await database.db.update(modelVersions).set({ archived: true }).where(eq(modelVersions.algorithm, "logreg"));
    try {
      await new Promise((r) => setTimeout(r, 1100));
      const after = await expectPrediction(await json({ pixels: Array.from(image(4)) }));
      expect(after.model).toEqual({ name: "kmnist-tree", version: 1, algorithm: "tree" });
    } finally {
      await database.db.update(modelVersions).set({ archived: false }).where(eq(modelVersions.algorithm, "logreg"));
      await new Promise((r) => setTimeout(r, 1100));
    }
  });

  it("classifies real KMNIST characters as well as the model does offline", async () => {
    const holdout = Array.from({ length: 40 }, (_, i) => i * 5 + 4);
    const results = await Promise.all(holdout.map((k) => json({ pixels: Array.from(image(k)) }).then(expectPrediction)));
    const correct = results.filter((r, i) => r.label === labels[holdout[i]]).length;
    expect(correct / holdout.length).toBeGreaterThan(0.5);
  });
});

describe("POST /api/predict: errors", () => {
  const zeros = () => new Array(784).fill(0);
  it.each([
    ["wrong content type", () => post("hello", "text/plain"), 415, "unsupported_media_type"],
    ["no content type", () => post("hello", null), 415, "unsupported_media_type"],
    ["empty JSON body", () => post("", "application/json"), 400, "empty_body"],
    ["empty image body", () => post(new Uint8Array(0), "image/png"), 400, "empty_body"],
    ["malformed JSON", () => post("{pixels:", "application/json"), 400, "invalid_json"],
    ["not an image", () => post("GIF89a but not really", "image/gif"), 422, "unsupported_image"],
    ["corrupt PNG", async () => post(new Uint8Array((await kmnistPng(image(0), 280)).subarray(0, 100)), "image/png"), 422, "unsupported_image"],
    [
      "blank image",
      async () =>
        post(
          new Uint8Array(
            await sharp({ create: { width: 50, height: 50, channels: 3, background: "white" } })
              .png()
              .toBuffer(),
          ),
          "image/png",
        ),
      422,
      "no_ink",
    ],
    ["too many bytes", () => post(new Uint8Array(3 * 1024 * 1024), "image/png"), 413, "payload_too_large"],
    ["too many pixels", () => post(new Uint8Array(pngClaiming(5000, 5000)), "image/png"), 413, "too_many_pixels"],
    ["783 pixels", () => json({ pixels: zeros().slice(1) }), 422, "validation_failed"],
    ["785 pixels", () => json({ pixels: [...zeros(), 0] }), 422, "validation_failed"],
    ["a string pixel (NaN)", () => json({ pixels: ["NaN", ...zeros().slice(1)] }), 422, "validation_failed"],
    ["an infinite pixel", () => post(`{"pixels":[1e999${",0".repeat(783)}]}`, "application/json"), 422, "validation_failed"],
    ["a pixel above 255", () => json({ pixels: [256, ...zeros().slice(1)] }), 422, "validation_failed"],
    ["a negative pixel", () => json({ pixels: [-1, ...zeros().slice(1)] }), 422, "validation_failed"],
    ["a pixel above 1 with scale 0-1", () => json({ pixels: [2, ...zeros().slice(1)], scale: "0-1" }), 422, "validation_failed"],
    ["both pixels and image", () => json({ pixels: zeros(), image: "data:image/png;base64,AAAA" }), 422, "validation_failed"],
    ["both strokes and pixels", () => json({ pixels: zeros(), strokes: [[[0, 0]]] }), 422, "validation_failed"],
    ["no strokes", () => json({ strokes: [] }), 422, "validation_failed"],
    ["an empty stroke", () => json({ strokes: [[]] }), 422, "validation_failed"],
    ["a point with three numbers", () => json({ strokes: [[[1, 2, 3]]] }), 422, "validation_failed"],
    ["a point that is a string", () => json({ strokes: [[["1", 2]]] }), 422, "validation_failed"],
    ["a coordinate far out", () => json({ strokes: [[[1e9, 2]]] }), 422, "validation_failed"],
    ["an infinite coordinate", () => post('{"strokes":[[[1e999,2]]]}', "application/json"), 422, "validation_failed"],
    ["65 strokes", () => json({ strokes: Array.from({ length: 65 }, (_, k) => [[k, k]]) }), 422, "validation_failed"],
    ["a stroke of 2,049 points", () => json({ strokes: [Array.from({ length: 2049 }, (_, k) => [k % 200, k % 100])] }), 422, "validation_failed"],
    [
      "8,000 points zig-zagging across the drawing (refused before rendering)",
      () => json({ strokes: Array.from({ length: 4 }, (_, s) => Array.from({ length: 2000 }, (_, k) => [k % 2 ? 100000 : -100000, s * 10 + (k % 3)])) }),
      422,
      "not_a_character",
    ],
    [
      "8,193 points in all",
      () => json({ strokes: Array.from({ length: 5 }, () => Array.from({ length: 1639 }, (_, k) => [k % 200, k % 97])) }),
      422,
      "validation_failed",
    ],
    ["neither pixels nor image", () => json({ model: "champion" }), 422, "validation_failed"],
    ["an unknown field", () => json({ pixels: zeros(), colour: "red" }), 422, "validation_failed"],
    ["a bad data URL", () => json({ image: "http://example.com/x.png" }), 422, "validation_failed"],
    ["an unknown model", () => json({ pixels: zeros() }, "?model=no-such-model"), 404, "unknown_model"],
    ["an unknown version", () => json({ pixels: zeros() }, "?model=kmnist-tree@99"), 404, "unknown_model"],
    ["a malformed model reference", () => json({ pixels: zeros() }, "?model=DROP%20TABLE"), 400, "invalid_model_ref"],
    [
      "multipart without a file",
      () => {
        const form = new FormData();
        form.set("note", "no file here");
        return POST(new Request(URL_BASE, { method: "POST", body: form }));
      },
      422,
      "validation_failed",
    ],
    ["multipart with a broken boundary", () => post("--x\r\nnot really", "multipart/form-data; boundary=y"), 400, "invalid_multipart"],
  ] as const)("rejects %s", async (_name, send, status, code) => {
    await expectRejection(await send(), status, code);
  });

  it("answers GET with 405 and an Allow header", async () => {
    const response = await GET(new Request(URL_BASE));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("POST /api/predict: hostile corpus", () => {
  it("answers 250 generated hostile requests with 4xx JSON errors, accounts for each in the log (bounded), and keeps serving", async () => {
    const { flushLogs } = await import("@/lib/log");
    const { rejectionLog } = await import("@/lib/http");
    const rejectionRows = async () => {
      await flushLogs();
      return database.db
        .select()
        .from(logs)
        .where(and(eq(logs.component, "api"), eq(logs.level, "warn")))
        .orderBy(logs.id);
    };
    rejectionLog().summarise();
    const loggedBefore = (await rejectionRows()).length;
    const png = await kmnistPng(image(9), 280);
    const requests: Array<() => Promise<Response>> = [];
    for (let i = 0; i < 60; i++)
      requests.push(() => post(new Uint8Array(randomBytesSeeded(1 + i * 37, i + 1)), ["image/png", "image/jpeg", "image/webp"][i % 3]));
    for (let i = 0; i < 60; i++) requests.push(() => post(new Uint8Array(png.subarray(0, 8 + Math.floor((png.length - 20) * (i / 60)))), "image/png"));
    for (const [w, h] of [
      [100000, 100000],
      [65535, 1],
      [1, 65535],
      [3000, 3000],
      [2001, 2000],
      [40000, 40000],
    ]) {
      requests.push(() => post(new Uint8Array(pngClaiming(w, h)), "image/png"));
    }
    const shapes: unknown[] = [
      null,
      [],
      "pixels",
      42,
      true,
      {},
      { pixels: null },
      { pixels: {} },
      { pixels: "0,0,0" },
      { pixels: [[0]] },
      { image: 5 },
      { image: "" },
      { image: "data:image/png;base64," },
      { image: "data:text/plain;base64,aGk=" },
      { image: "data:image/png;base64,%%%" },
      { pixels: new Array(784).fill(null) },
      { pixels: new Array(784).fill(true) },
      { pixels: new Array(10_000).fill(0) },
      { scale: "0-100", pixels: new Array(784).fill(0) },
      { model: 7, pixels: new Array(784).fill(0) },
      { preprocessed: "yes", pixels: new Array(784).fill(0) },
      { __proto__: { pixels: new Array(784).fill(0) } },
      { constructor: { prototype: {} } },
    ];
    for (let i = 0; i < 100; i++) {
      const shape = shapes[i % shapes.length];
      const mutated = i < shapes.length ? shape : { ...(typeof shape === "object" && shape !== null && !Array.isArray(shape) ? shape : {}), [`extra${i}`]: i };
      requests.push(() => json(mutated));
    }
    for (let i = 0; i < 24; i++) {
      const body = ["", "{", "[]]", '{"pixels":[', "\u0000\u0001", "nul", '{"a":'.repeat(2000)][i % 7];
      requests.push(() => post(body, ["application/json", "multipart/form-data", "application/json; charset=utf-16", "text/html"][i % 4]));
    }
    expect(requests.length).toBeGreaterThanOrEqual(250);

    const statuses: number[] = [];
    for (const send of requests) {
      const response = await send();
      statuses.push(response.status);
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.status, JSON.stringify(body)).toBeLessThan(500);
      expect(typeof body.error?.code).toBe("string");
      expect(typeof body.error?.message).toBe("string");
    }
    // Still serving, and every rejection is in the log: one row each up to the limit per
    // minute and code, the rest counted in a summary row.
    await expectPrediction(await json({ pixels: Array.from(image(0)) }));
    rejectionLog().summarise();
    const rows = (await rejectionRows()).slice(loggedBefore);
    const summaries = rows.filter((r) => typeof r.context?.total === "number");
    const single = rows.length - summaries.length;
    const summarised = summaries.reduce((sum, r) => sum + (r.context!.total as number) - rejectionLog().perMinute, 0);
    expect(single + summarised).toBe(requests.length);
    expect(single).toBeLessThan(requests.length);
  }, 120_000);
});
