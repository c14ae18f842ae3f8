import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictions } from "@/db/schema";
import type { BatchPrediction } from "@/lib/serving";
import type { TestDatabase } from "@/lib/testing/database";
import { penStrokes } from "@/lib/testing/handwriting-variants";
import { kmnistPng } from "@/lib/testing/images";
import { routeEnvironment, type RouteEnvironment } from "@/lib/testing/route-environment";

/**
 * The batch route handler on a real PostgreSQL database and object store, with a logistic
 * regression trained on KMNIST through the real pipeline; single predictions of the same
 * images (POST /api/predict) are the reference.
 */
let POST: (request: Request) => Promise<Response>;
let predictOne: (request: Request) => Promise<Response>;
let env: RouteEnvironment;
let database: TestDatabase;
let images: Uint8Array;

beforeAll(async () => {
  env = await routeEnvironment({ PREDICT_MAX_BATCH_REQUEST: "64", PREDICT_MAX_BYTES: String(1024 * 1024) }, [
    { algorithm: "logreg", hyperparameters: { epochs: 4 } },
  ]);
  ({ images, database } = env);
  ({ POST } = await import("./route"));
  ({ POST: predictOne } = await import("../route"));
}, 180_000);

afterAll(async () => {
  await env?.cleanup();
});

const image = (k: number) => Array.from(images.subarray(k * 784, (k + 1) * 784));
const post = (body: BodyInit, contentType: string, query = "") =>
  POST(new Request(`http://localhost/api/predict/batch${query}`, { method: "POST", body, headers: { "content-type": contentType } }));
const json = (value: unknown, query = "") => post(JSON.stringify(value), "application/json", query);
const errorOf = async (response: Response) => ({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code });

describe("POST /api/predict/batch", () => {
  it("answers every item in order, exactly as single predictions of the same images", async () => {
    const response = await json({ items: Array.from({ length: 40 }, (_, k) => ({ pixels: image(k) })) });
    expect(response.status).toBe(200);
    const batch = (await response.json()) as BatchPrediction;
    expect(batch).toMatchObject({ model: { name: "kmnist-logreg", version: 1 }, count: 40, failed: 0 });
    expect(batch.results.map((r) => r.index)).toEqual([...Array(40).keys()]);
    for (const k of [0, 17, 39]) {
      const single = await (
        await predictOne(
          new Request("http://localhost/api/predict?record=false", {
            method: "POST",
            body: JSON.stringify({ pixels: image(k) }),
            headers: { "content-type": "application/json" },
          }),
        )
      ).json();
      expect(batch.results[k]).toEqual({
        index: k,
        label: single.label,
        char: single.char,
        probabilities: single.probabilities,
        unsure: single.unsure,
        predictionId: null,
      });
    }
  });

  it("gives an item its own error and still answers the others: pixels, data URLs and strokes mixed", async () => {
    const png = `data:image/png;base64,${(await kmnistPng(Uint8Array.from(image(3)), 280)).toString("base64")}`;
    // Pixels are used as sent; an image of a dot is refused as not a character.
    const dot = `data:image/png;base64,${(
      await kmnistPng(
        Uint8Array.from({ length: 784 }, (_, i) => (i === 406 ? 255 : 0)),
        280,
      )
    ).toString("base64")}`;
    const response = await json({
      items: [
        { pixels: image(1) },
        { pixels: image(2).slice(0, 100) },
        { image: png },
        { image: dot },
        { strokes: await penStrokes(Uint8Array.from(image(5)), 1, 5) },
        { pixels: image(6).map((v) => v * 10) },
        { pixels: image(7), image: png },
        "not an object",
        { pixels: image(8), model: "kmnist-logreg@1" },
        { image: "data:text/plain;base64,aGVsbG8=" },
        { pixels: image(9).map((v, i) => (i === 5 ? "x" : v)) },
      ],
    });
    expect(response.status).toBe(200);
    const batch = (await response.json()) as BatchPrediction;
    const codes = batch.results.map((r) => ("error" in r ? `${r.error.status} ${r.error.code}` : "ok"));
    expect(codes).toEqual([
      "ok",
      "422 validation_failed",
      "ok",
      "422 not_a_character",
      "ok",
      "422 validation_failed",
      "422 validation_failed",
      "422 validation_failed",
      "422 validation_failed",
      "422 validation_failed",
      "422 validation_failed",
    ]);
    expect(batch.failed).toBe(8);
    for (const r of batch.results) if ("error" in r) expect(r.error.message).toMatch(new RegExp(`^items\\.${r.index}: `));
  });

  it("records items only when asked, each with its own prediction id", async () => {
    const quiet = (await (await json({ items: [{ pixels: image(20) }] })).json()) as BatchPrediction;
    expect(quiet.results[0]).toMatchObject({ predictionId: null });
    const recorded = (await (await json({ items: [{ pixels: image(21) }, { pixels: image(22) }] }, "?record=true")).json()) as BatchPrediction;
    const ids = recorded.results.map((r) => ("predictionId" in r ? r.predictionId : null));
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    const { flushPredictionLog } = await import("@/lib/monitoring");
    await flushPredictionLog();
    expect(
      await database.db
        .select({ id: predictions.id })
        .from(predictions)
        .where(inArray(predictions.id, ids as string[])),
    ).toHaveLength(2);
    expect(await database.db.select({ id: predictions.id }).from(predictions).where(eq(predictions.predicted, -1))).toHaveLength(0);
  });

  it("takes a multipart body with one file per image", async () => {
    const form = new FormData();
    for (const k of [30, 31, 32])
      form.append(`file${k}`, new Blob([new Uint8Array(await kmnistPng(Uint8Array.from(image(k)), 56))], { type: "image/png" }), `${k}.png`);
    form.append("empty", new Blob([]), "empty.png");
    const response = await POST(new Request("http://localhost/api/predict/batch", { method: "POST", body: form }));
    expect(response.status).toBe(200);
    const batch = (await response.json()) as BatchPrediction;
    expect(batch.results.map((r) => ("error" in r ? r.error.code : "ok"))).toEqual(["ok", "ok", "ok", "empty_image"]);
  });

  it("refuses what is wrong with the whole request, by name", async () => {
    expect(await errorOf(await json({ items: Array.from({ length: 65 }, () => ({ pixels: image(0) })) }))).toEqual({ status: 413, code: "too_many_items" });
    expect(await errorOf(await json({ items: [] }))).toEqual({ status: 422, code: "validation_failed" });
    expect(await errorOf(await json([{ pixels: image(0) }]))).toEqual({ status: 422, code: "validation_failed" });
    expect(await errorOf(await json({ items: [{ pixels: image(0) }], extra: 1 }))).toEqual({ status: 422, code: "validation_failed" });
    expect(await errorOf(await post('{"items": [', "application/json"))).toEqual({ status: 400, code: "invalid_json" });
    expect(await errorOf(await json({ items: [{ pixels: image(0) }] }, "?model=nope%401"))).toEqual({ status: 404, code: "unknown_model" });
    expect(await errorOf(await json({ items: [{ pixels: image(0) }], model: "a\u0000b" }))).toEqual({ status: 422, code: "validation_failed" });
    expect(await errorOf(await post("hello", "text/plain"))).toEqual({ status: 415, code: "unsupported_media_type" });
    expect(await errorOf(await post(JSON.stringify({ items: [{ pixels: image(0), pad: "x".repeat(1024 * 1024) }] }), "application/json"))).toEqual({
      status: 413,
      code: "payload_too_large",
    });
  });

  it("answers hostile items with their own errors: a 100,000-element pixel array, deep nesting, empty items", async () => {
    const huge = await json({ items: [{ pixels: new Array(100_000).fill(0) }, { pixels: image(0) }] });
    const batch = (await huge.json()) as BatchPrediction;
    expect(batch.results.map((r) => ("error" in r ? r.error.code : "ok"))).toEqual(["validation_failed", "ok"]);
    let nested: unknown = 0;
    for (let i = 0; i < 2000; i++) nested = [nested];
    const deep = (await (await json({ items: [{ strokes: nested }] })).json()) as BatchPrediction;
    expect(deep.results[0]).toMatchObject({ error: { code: "validation_failed" } });
    const tiny = (await (await json({ items: Array.from({ length: 64 }, () => ({})) })).json()) as BatchPrediction;
    expect(tiny.failed).toBe(64);
  });
});
