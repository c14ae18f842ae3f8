import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { growTree, putArtifact } from "@/lib/ml";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createTempStore } from "@/lib/testing/database";
import { InferencePool } from "./inference-pool";

/** A tree that reads class 0-9 from the brightness of pixel 0 (value = class x 25). */
function trainedTree() {
  const count = 100;
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    labels[k] = k % 10;
    images[k * 784] = labels[k] * 25;
  }
  return growTree({ count, images, labels }, { maxDepth: 8, minSamplesSplit: 2, minSamplesLeaf: 1, bins: 256 });
}

const imageOfClass = (c: number) => {
  const pixels = new Uint8Array(784);
  pixels[0] = c * 25;
  return pixels;
};

let store: Awaited<ReturnType<typeof createTempStore>>;
let pool: InferencePool;
const KEY = "models/pool-test/1";

beforeAll(async () => {
  store = await createTempStore();
  // The worker opens the object store from the environment.
  process.env.STORAGE_DIR = store.root;
  const artifact = treeArtifact("pool-test", { tree: trainedTree(), manifest: { datasetTag: "synthetic" } });
  await putArtifact(store, KEY, artifact);
  pool = new InferencePool({ maxBatch: 32, maxWaitMs: 5 });
  await pool.preload(KEY);
});
afterAll(async () => {
  await pool?.close();
  await store?.cleanup();
});

describe("InferencePool", () => {
  it("answers each request with its own probabilities", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, c) => pool.predict(KEY, imageOfClass(c))));
    answers.forEach((p, c) => {
      expect(p).toHaveLength(10);
      expect(p[c]).toBe(1);
    });
  });

  it("batches concurrent requests instead of sending them one by one", async () => {
    const before = { ...pool.stats };
    await Promise.all(Array.from({ length: 200 }, (_, i) => pool.predict(KEY, imageOfClass(i % 10))));
    const images = pool.stats.images - before.images;
    const batches = pool.stats.batches - before.batches;
    expect(images).toBe(200);
    expect(batches).toBeLessThanOrEqual(Math.ceil(200 / 32) + 1);
  });

  it("sends a lone request without waiting for company", async () => {
    const before = pool.stats.batches;
    await pool.predict(KEY, imageOfClass(3));
    expect(pool.stats.batches - before).toBe(1);
  });

  it("rejects requests for an artifact that does not exist, and keeps serving", async () => {
    await expect(pool.predict("models/missing/1", imageOfClass(1))).rejects.toThrow(/manifest\.json is missing/);
    expect((await pool.predict(KEY, imageOfClass(4)))[4]).toBe(1);
  });

  it("refuses input of the wrong size", () => {
    expect(() => pool.predict(KEY, new Uint8Array(10))).toThrow(/expected 784 pixels/);
  });
});

describe("InferencePool on ONNX Runtime (ML_INFERENCE=onnx)", () => {
  it("serves a layers model's ONNX form, refuses a model without one, and frees its sessions on close", async () => {
    const { buildArtifact, layersModelToOnnx, mlRuntime, serialiseLayersModel } = await import("@/lib/ml");
    const { tf } = await mlRuntime();
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })] });
    const weights = await serialiseLayersModel(tf, model);
    model.dispose();
    const { manifest } = treeArtifact("onnx-pool");
    const artifact = buildArtifact(
      { ...manifest, algorithm: "logreg", runtime: "tfjs-layers" },
      { ...weights.files, "model.onnx": layersModelToOnnx(weights.files, { producerVersion: "test" }) },
    );
    await putArtifact(store, "models/onnx-pool/1", artifact);
    process.env.ML_INFERENCE = "onnx";
    try {
      // A new pool starts a new worker, which reads the setting.
      const onnxPool = new InferencePool({ maxBatch: 32, maxWaitMs: 5 });
      const answers = await Promise.all(Array.from({ length: 40 }, (_, c) => onnxPool.predict("models/onnx-pool/1", imageOfClass(c % 10))));
      for (const p of answers) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // Only ONNX forms are served in this mode: the tree has none.
      await expect(onnxPool.predict(KEY, imageOfClass(1))).rejects.toThrow(/has no ONNX form/);
      // Closing frees the sessions before the thread ends (a thread killed in the middle of a run aborts the process).
      await onnxPool.close();
    } finally {
      delete process.env.ML_INFERENCE;
    }
  }, 60_000);
});
