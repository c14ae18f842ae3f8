import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainingRuns } from "@/db/schema";
import { getArtifact } from "@/lib/ml";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { trainAndRegister } from "./train";

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
