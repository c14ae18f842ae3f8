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
