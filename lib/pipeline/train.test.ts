import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainingRuns } from "@/db/schema";
import { getArtifact } from "@/lib/ml";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { trainAndRegister, TrainingVersionError } from "./train";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

describe("trainAndRegister (worker thread, real KMNIST)", () => {
  it.each([
    ["logreg", { epochs: 3 }, 0.6],
    ["tree", { maxDepth: 8 }, 0.4],
    ["cnn", { epochs: 1, filters: 4, denseUnits: 32, augment: false }, 0.5],
  ])("trains %s, evaluates it on holdout and registers a verified artifact", async (algorithm, hyperparameters, minimumAccuracy) => {
    const progress: number[] = [];
    const outcome = await trainAndRegister(database.db, store, { algorithm, hyperparameters, onProgress: (p) => progress.push(p.epoch) });
    expect(outcome.holdoutAccuracy).toBeGreaterThan(minimumAccuracy);
    expect(progress.length).toBeGreaterThan(0);
    expect(outcome.backend).toBe("wasm");

    const [run] = await database.db.select().from(trainingRuns).where(eq(trainingRuns.id, outcome.runId));
    expect(run).toMatchObject({ status: "succeeded", modelVersionId: outcome.modelVersion.id, backend: "wasm" });
    expect(run.holdoutAccuracy).toBeCloseTo(outcome.holdoutAccuracy, 10);

    const artifact = await getArtifact(store, outcome.modelVersion.artifactKey);
    expect(artifact.manifest).toMatchObject({
      name: `kmnist-${algorithm}`,
      version: outcome.modelVersion.version,
      algorithm,
      datasetTag: "kmnist-holdout",
      trainingData: { tag: "training", protocol: "offline", records: 8000 },
      evaluation: { holdoutAccuracy: outcome.holdoutAccuracy },
    });
    expect(artifact.manifest.hyperparameters).toMatchObject(hyperparameters);
    // Layers models carry their ONNX form, listed with its sha256 like every weight file.
    const onnxEntry = artifact.manifest.weights.find((w) => w.path === "model.onnx");
    if (algorithm === "tree") expect(onnxEntry).toBeUndefined();
    else expect(onnxEntry).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: artifact.files["model.onnx"].byteLength });
  });

  it("numbers versions of the same model consecutively", async () => {
    const again = await trainAndRegister(database.db, store, { algorithm: "tree", hyperparameters: { maxDepth: 2 } });
    expect(again.modelVersion.version).toBe(2);
    const { rows: listed } = await searchModelVersions(database.db, modelVersionQuerySchema.parse({}));
    expect(listed.filter((v) => v.name === "kmnist-tree").map((v) => v.version)).toEqual([2, 1]);
  });

  it("rejects invalid hyperparameters before starting a run", async () => {
    const before = await database.db.select().from(trainingRuns);
    await expect(trainAndRegister(database.db, store, { algorithm: "cnn", hyperparameters: { epochs: -1 } })).rejects.toThrow(/epochs/);
    await expect(trainAndRegister(database.db, store, { algorithm: "svm" })).rejects.toThrow(/Unknown algorithm "svm"/);
    expect(await database.db.select().from(trainingRuns)).toHaveLength(before.length);
  });
});

describe("retraining on an earlier data version", () => {
  it("same version, hyperparameters and seed reproduce the model; a newer version gives another; a foreign version is refused", async () => {
    const { appendRecords, ensureSourceTags, loadSnapshot, resolveTag } = await import("@/lib/data");
    const families = [
      ["logreg", { epochs: 3 }],
      ["tree", { maxDepth: 6 }],
    ] as const;
    const first = [];
    for (const [algorithm, hyperparameters] of families) first.push(await trainAndRegister(database.db, store, { algorithm, hyperparameters }));
    const earlier = first[0].modelVersion.trainingDataVersionId!;
    expect(first[1].modelVersion.trainingDataVersionId).toBe(earlier);

    // New labelled data: 400 holdout images mirrored left to right, a source of its own in the training tag.
    const { version: holdout } = await resolveTag(database.db, store, "kmnist-holdout");
    const data = await loadSnapshot(store, holdout);
    const mirrored = new Uint8Array(400 * 784);
    for (let k = 0; k < 400; k++)
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) mirrored[k * 784 + y * 28 + x] = data.images[k * 784 + y * 28 + 27 - x];
    await appendRecords(database.db, store, { source: "mirrored", images: mirrored, labels: data.labels.slice(0, 400) });
    await ensureSourceTags(database.db, "mirrored");
    const newer = await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 3 } });
    expect(newer.modelVersion.trainingDataVersionId).not.toBe(earlier);

    for (const [i, [algorithm, hyperparameters]] of families.entries()) {
      const again = await trainAndRegister(database.db, store, { algorithm, hyperparameters, trainingVersionId: earlier });
      expect(again.modelVersion.trainingDataVersionId).toBe(earlier);
      const [run] = await database.db.select().from(trainingRuns).where(eq(trainingRuns.id, again.runId));
      expect(run.trainVersionId).toBe(earlier);
      // To 0.1 point (in fact identical: both families are deterministic given data and seed).
      expect(Math.abs(again.holdoutAccuracy - first[i].holdoutAccuracy)).toBeLessThanOrEqual(0.001);
      expect(again.modelVersion.weightsSha256).toBe(first[i].modelVersion.weightsSha256);
    }
    await expect(trainAndRegister(database.db, store, { algorithm: "tree", trainingVersionId: holdout.id })).rejects.toThrow(TrainingVersionError);
  }, 180_000);
});
