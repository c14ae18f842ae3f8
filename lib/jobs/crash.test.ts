import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, jobs, modelVersions, pipelineRuns, trainingRuns } from "@/db/schema";
import { checkConsistency, repairConsistency } from "@/lib/integrity";
import { spawnTsChild, waitFor } from "@/lib/testing/child";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";

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

const child = (...args: string[]) =>
  spawnTsChild("lib/testing/job-child.ts", args, {
    DATABASE_URL: database.url,
    STORAGE_DIR: store.root,
    KMNIST_DIR: KMNIST_TEST_DIR,
    KMNIST_DOWNLOAD: "never",
    JOB_RETRY_BASE_MS: "100",
    TRAIN_SCHEDULE: "off",
    MODEL_POLL_SCHEDULE: "off",
    LOG_LEVEL: "error",
  });

describe("a training job killed with SIGKILL", () => {
  it("completes exactly once after a restart: no duplicate model versions", async () => {
    const first = child("enqueue");

    // Kill while the CNN trains, after logistic regression and the tree are registered.
    await waitFor(async () => {
      const running = await database.db
        .select()
        .from(trainingRuns)
        .where(and(eq(trainingRuns.algorithm, "cnn"), eq(trainingRuns.status, "running")));
      return running.length > 0;
    }, 120_000);
    first.kill("SIGKILL");
    expect((await first.exited).code).toBeNull();
    expect((await database.db.select().from(modelVersions)).map((v) => v.algorithm).sort()).toEqual(["logreg", "tree"]);

    const second = child();
    expect((await second.exited).code).toBe(0);

    const versions = await database.db.select().from(modelVersions);
    expect(versions.map((v) => v.algorithm).sort()).toEqual(["cnn", "logreg", "tree"]);
    const [job] = await database.db.select().from(jobs).where(eq(jobs.name, "train-pipeline"));
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    const runs = await database.db.select().from(pipelineRuns);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "succeeded", decision: "promoted" });
    const cnnRuns = await database.db.select().from(trainingRuns).where(eq(trainingRuns.algorithm, "cnn"));
    expect(cnnRuns.map((r) => r.status).sort()).toEqual(["interrupted", "succeeded"]);
    expect(cnnRuns.find((r) => r.status === "interrupted")?.error).toMatch(/interrupted/);

    // The pipeline's follow-up ran the benchmark engine: each new model benchmarked once.
    const benchmarked = await database.db.select().from(benchmarks);
    expect(benchmarked.map((b) => b.modelVersionId).sort()).toEqual(versions.map((v) => v.id).sort());
    expect(benchmarked.every((b) => b.status === "done" && b.trigger === "model_registered")).toBe(true);

    // What the killed run wrote and never committed was overwritten or is flagged: the store agrees with the rows.
    await repairConsistency(database.db, store);
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
  }, 240_000);
});
