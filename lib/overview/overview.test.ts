import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, datasetTags, datasetVersions, jobs, pipelineRuns } from "@/db/schema";
import { promote, registerModelVersion, type ModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { overview } from ".";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

describe("overview", () => {
  it("is all zeros and no champion on an empty database", async () => {
    const empty = await overview(database.db);
    expect(empty.counts).toEqual({ modelVersions: 0, models: 0, authors: 0, datasetTags: 0, benchmarks: { pending: 0, running: 0, done: 0, failed: 0 } });
    expect(empty).toMatchObject({ latestModels: [], latestBenchmarks: [], champion: null, lastPipeline: null, queue: [] });
  });

  it("counts, lists the newest five, and shows the champion with its newest finished benchmark", async () => {
    const { db } = database;
    const versions: ModelVersion[] = [];
    for (let i = 0; i < 7; i++) {
      versions.push(
        await registerModelVersion(db, store, {
          artifact: treeArtifact(`model-${i % 3}`, { manifest: { author: i % 2 ? "ada" : "bob", datasetTag: "holdout" } }),
        }),
      );
    }
    const [tag] = await db
      .insert(datasetTags)
      .values({ name: "holdout", query: { sources: ["kmnist"] } })
      .returning();
    const [v1, v2] = await db
      .insert(datasetVersions)
      .values(
        [1, 2].map((n) => ({
          tagId: tag.id,
          contentHash: String(n).repeat(64),
          protocol: "offline" as const,
          recordCount: 10,
          classCounts: [],
          snapshotKey: `s/${n}`,
        })),
      )
      .returning();
    const champion = versions[2];
    await db.insert(benchmarks).values([
      {
        modelVersionId: champion.id,
        datasetVersionId: v1.id,
        trigger: "model_registered",
        status: "done",
        accuracy: 0.8,
        macroF1: 0.79,
        finishedAt: new Date(Date.now() - 60_000),
      },
      {
        modelVersionId: champion.id,
        datasetVersionId: v2.id,
        trigger: "dataset_version",
        status: "done",
        accuracy: 0.85,
        macroF1: 0.84,
        finishedAt: new Date(),
      },
      { modelVersionId: versions[0].id, datasetVersionId: v1.id, trigger: "model_registered", status: "failed" },
      { modelVersionId: versions[1].id, datasetVersionId: v1.id, trigger: "model_registered", status: "pending" },
      { modelVersionId: versions[3].id, datasetVersionId: v1.id, trigger: "model_registered", status: "running" },
    ]);
    await promote(db, champion.id, { actor: "tests", reason: "best" });
    await db.insert(pipelineRuns).values({ trigger: "schedule", actor: "cron", status: "succeeded", decision: "kept" });
    await db.insert(jobs).values([
      { name: "benchmarks", payload: {}, maxAttempts: 3, status: "pending" },
      { name: "benchmarks", payload: {}, maxAttempts: 3, status: "running" },
      { name: "train-pipeline", payload: {}, maxAttempts: 3, status: "succeeded" },
    ]);

    const result = await overview(db);
    expect(result.counts).toEqual({ modelVersions: 7, models: 3, authors: 2, datasetTags: 1, benchmarks: { pending: 1, running: 1, done: 2, failed: 1 } });
    expect(result.latestModels.map((m) => m.id)).toEqual(
      versions
        .slice(2)
        .reverse()
        .map((v) => v.id),
    );
    expect(result.latestBenchmarks).toHaveLength(5);
    expect(result.champion).toMatchObject({ model: { id: champion.id, name: "model-2" }, aliased: true, benchmark: { accuracy: 0.85, tag: "holdout" } });
    expect(result.lastPipeline).toMatchObject({ status: "succeeded", decision: "kept" });
    expect(result.queue).toEqual([{ name: "benchmarks", pending: 1, running: 1 }]);
  });
});
