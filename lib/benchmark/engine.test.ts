import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, datasetTags, jobs, modelExplanations, trainingRuns } from "@/db/schema";
import { appendRecords, latestVersion, loadSnapshot } from "@/lib/data";
import { checkConsistency } from "@/lib/integrity";
import { buildArtifact, getArtifact } from "@/lib/ml";
import { trainAndRegister } from "@/lib/pipeline";
import { registerModelVersion, type ModelVersion } from "@/lib/registry";
import { spawnTsChild } from "@/lib/testing/child";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { BenchmarkStateError, benchmarkSweep, getBenchmark, planBenchmarks, requestRerun, runPendingBenchmarks, type EngineOptions } from ".";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const trained: Record<string, ModelVersion> = {};
const options: EngineOptions = { workers: 2, leaseMs: 2000, maxAttempts: 3, retryBaseMs: 0, explain: true };
const FEEDBACK_TAG = "feedback-sample";

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
  for (const [algorithm, hyperparameters] of [
    ["logreg", { epochs: 2 }],
    ["tree", { maxDepth: 6 }],
    ["cnn", { epochs: 1, filters: 4, denseUnits: 16, dropout: 0, augment: false }],
  ] as const) {
    trained[algorithm] = (await trainAndRegister(database.db, store, { algorithm, hyperparameters })).modelVersion;
  }
}, 180_000);
afterAll(async () => {
  const { closeBenchmarkPool } = await import("@/lib/benchmark");
  await closeBenchmarkPool();
  await database?.cleanup();
  await store?.cleanup();
});

const rowsOf = (modelVersionId: number) => database.db.select().from(benchmarks).where(eq(benchmarks.modelVersionId, modelVersionId));

/** Registers a copy of a trained model that follows another dataset tag. */
async function follower(of: ModelVersion, tag: string): Promise<ModelVersion> {
  const { manifest, files } = await getArtifact(store, of.artifactKey);
  const input = { ...manifest, name: `${manifest.name}-follower`, datasetTag: tag, version: undefined };
  // buildArtifact recomputes the weight list and its digest from the files.
  return registerModelVersion(database.db, store, { artifact: buildArtifact(input, files) });
}

describe("benchmark engine (real KMNIST, PostgreSQL, worker threads)", () => {
  it("benchmarks newly registered models once, with every metric, and explains them", async () => {
    const { plan, run } = await benchmarkSweep({ db: database.db, store }, options);
    expect(plan.created).toBe(3);
    expect(run).toMatchObject({ done: 3, failed: 0, groups: 1, explained: 3 });

    for (const [algorithm, version] of Object.entries(trained)) {
      const [row] = await rowsOf(version.id);
      expect(row).toMatchObject({ status: "done", trigger: "model_registered", attempts: 1, runs: 1, sampleCount: 2000 });
      // The same model on the same holdout version: the training run measured the same accuracy.
      const [training] = await database.db.select().from(trainingRuns).where(eq(trainingRuns.modelVersionId, version.id));
      expect(row.accuracy).toBeCloseTo(training.holdoutAccuracy!, 10);
      expect(Object.keys(row.metrics!)).toEqual(
        expect.arrayContaining(["accuracy", "balanced_accuracy", "top_3_accuracy", "log_loss", "per_class", "confusion_matrix", "roc_auc", "calibration"]),
      );
      const confusion = row.metrics!.confusion_matrix as number[][];
      expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(2000);
      expect(row.macroAuc).toBeGreaterThan(0.5);
      // Layers models run on their ONNX form (ML_INFERENCE=auto); the tree has none and runs in JavaScript on the tfjs path.
      expect(row.info).toMatchObject({ backend: algorithm === "tree" ? "wasm" : "onnxruntime", workers: 2, latencyMs: { samples: 32 } });
      expect(row.info!.inferMs).toBeGreaterThan(0);
      expect(row.info!.wallMs).toBeGreaterThanOrEqual(row.info!.inferMs);

      const [explanation] = await database.db.select().from(modelExplanations).where(eq(modelExplanations.modelVersionId, version.id));
      expect(explanation.status).toBe("done");
      const methods = explanation.methods!.map((m) => m.method);
      expect(methods).toEqual(
        { logreg: ["linear_shap", "integrated_gradients", "kernel_shap"], tree: ["kernel_shap"], cnn: ["integrated_gradients", "kernel_shap"] }[algorithm],
      );
      expect(explanation.methods![0].classMeans).toHaveLength(10);
    }
    const detail = await getBenchmark(database.db, (await rowsOf(trained.cnn.id))[0].id);
    expect(detail).toMatchObject({ model: "kmnist-cnn", tag: "kmnist-holdout", explanation: { status: "done" } });

    // Nothing new: planning again queues nothing.
    expect((await planBenchmarks(database.db, store)).created).toBe(0);
  }, 180_000);

  it("benchmarks every follower exactly once per new version of its tag", async () => {
    const holdout = await loadSnapshot(store, (await latestVersion(database.db, "kmnist-holdout"))!);
    const batch = (from: number, count: number) => ({
      source: "feedback-test",
      images: holdout.images.slice(from * 784, (from + count) * 784),
      labels: holdout.labels.slice(from, from + count),
    });
    await database.db.insert(datasetTags).values({ name: FEEDBACK_TAG, query: { sources: ["feedback-test"] } });
    await appendRecords(database.db, store, batch(0, 300));
    const followers = [await follower(trained.logreg, FEEDBACK_TAG), await follower(trained.tree, FEEDBACK_TAG)];

    // Two planners at once (two replicas, or a schedule and an event) still queue each pair once.
    const plans = await Promise.all([planBenchmarks(database.db, store), planBenchmarks(database.db, store)]);
    expect(plans[0].created + plans[1].created).toBe(2);
    expect((await runPendingBenchmarks({ db: database.db, store }, options)).done).toBe(2);

    await appendRecords(database.db, store, batch(300, 200));
    const { plan, run } = await benchmarkSweep({ db: database.db, store }, options);
    expect(plan.newVersions).toEqual([expect.objectContaining({ tag: FEEDBACK_TAG, records: 500 })]);
    expect(plan.created).toBe(2);
    expect(run.done).toBe(2);
    expect((await benchmarkSweep({ db: database.db, store }, options)).plan.created).toBe(0);

    for (const f of followers) {
      const rows = await rowsOf(f.id);
      expect(rows.map((r) => [r.status, r.trigger, r.sampleCount]).sort()).toEqual([
        ["done", "dataset_version", 500],
        ["done", "model_registered", 300],
      ]);
    }
  }, 180_000);

  it("survives a worker thread killed mid-benchmark: retried, done once", async () => {
    const [row] = await rowsOf(trained.cnn.id);
    await requestRerun(database.db, [row.id], "tests");
    let killed = false;
    const summary = await runPendingBenchmarks(
      { db: database.db, store },
      {
        ...options,
        onPool: (pool) => {
          const timer = setInterval(() => {
            void pool
              .terminateWhere((task) => task.key === `benchmark:${row.id}`)
              .then((hit) => {
                if (hit && !killed) {
                  killed = true;
                  clearInterval(timer);
                }
              });
          }, 5);
        },
      },
    );
    expect(killed).toBe(true);
    expect(summary).toMatchObject({ done: 1, retried: 1, failed: 0 });
    const rows = await rowsOf(trained.cnn.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "done", trigger: "manual", attempts: 2, runs: 2, error: null });
    expect(rows[0].accuracy).toBeCloseTo(row.accuracy!, 10);
  }, 120_000);

  it("survives its process killed mid-benchmark: reclaimed after the lease, done once", async () => {
    const [row] = await rowsOf(trained.cnn.id);
    await requestRerun(database.db, [row.id], "tests");
    const child = spawnTsChild("lib/testing/benchmark-child.ts", [], {
      DATABASE_URL: database.url,
      STORAGE_DIR: store.root,
      BENCHMARK_LEASE_MS: "2000",
      LOG_LEVEL: "error",
    });
    for (let i = 0; ; i++) {
      const [now] = await database.db
        .select()
        .from(benchmarks)
        .where(and(eq(benchmarks.id, row.id), eq(benchmarks.status, "running")));
      if (now?.lockedBy === "child") break;
      if (i > 600) throw new Error("the child never started the benchmark");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await child.exited;

    // Within the lease the row is still someone else's: nothing to do.
    expect((await runPendingBenchmarks({ db: database.db, store }, { ...options, leaseMs: 60_000 })).done).toBe(0);
    await new Promise((r) => setTimeout(r, 2100));
    const summary = await runPendingBenchmarks({ db: database.db, store }, options);
    expect(summary).toMatchObject({ reclaimed: 1, done: 1 });
    const rows = await rowsOf(trained.cnn.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "done", attempts: 2, runs: 3 });
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
  }, 120_000);

  it("resumes a sweep whose process was SIGKILLed as soon as it restarts: no wait for the lease, every benchmark done once", async () => {
    const followers = [];
    for (const version of Object.values(trained)) followers.push(await follower(version, "kmnist-holdout"));
    // The default 60 s lease: the restart must not wait for it to run out.
    const child = (...args: string[]) =>
      spawnTsChild("lib/testing/job-child.ts", args, {
        DATABASE_URL: database.url,
        STORAGE_DIR: store.root,
        BENCHMARK_WORKERS: "1",
        TRAIN_SCHEDULE: "off",
        MODEL_POLL_SCHEDULE: "off",
        LOG_LEVEL: "error",
      });
    const first = child("sweep");
    const ids = followers.map((f) => f.id);
    const followerRows = () => database.db.select().from(benchmarks).where(inArray(benchmarks.modelVersionId, ids));
    for (let i = 0; !(await followerRows()).some((b) => b.status === "running"); i++) {
      if (i > 1500) throw new Error("the sweep never started a benchmark");
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill("SIGKILL");
    await first.exited;
    expect((await followerRows()).some((b) => b.status !== "done")).toBe(true);

    await new Promise((r) => setTimeout(r, 1000));
    const restarted = performance.now();
    const second = child();
    for (;;) {
      const rows = await followerRows();
      if (rows.length === ids.length && rows.every((b) => b.status === "done")) break;
      if (performance.now() - restarted > 10_000) throw new Error(`not done 10 s after the restart: ${rows.map((b) => b.status).join(", ")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    console.info(`sweep killed and restarted: every benchmark done ${Math.round(performance.now() - restarted)} ms after the restart`);
    expect((await second.exited).code).toBe(0);
    const rows = await followerRows();
    expect(rows.map((b) => b.modelVersionId).sort()).toEqual([...ids].sort());
    expect(rows.every((b) => b.runs === 1 && b.lockedBy === null)).toBe(true);
    const [sweep] = await database.db.select().from(jobs).where(eq(jobs.name, "benchmarks"));
    expect(sweep).toMatchObject({ status: "succeeded", attempts: 2 });
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
  }, 120_000);

  it("fails a model whose artifact was tampered with after every attempt, naming why; others are unaffected", async () => {
    const broken = await follower(trained.tree, "kmnist-holdout");
    await store.put(`${broken.artifactKey}/tree.json`, Buffer.from("{}"));
    const { run } = await benchmarkSweep({ db: database.db, store }, { ...options, maxAttempts: 2 });
    expect(run).toMatchObject({ done: 0, retried: 1, failed: 1 });
    const [row] = await rowsOf(broken.id);
    expect(row).toMatchObject({ status: "failed", attempts: 2, accuracy: null });
    expect(row.error).toMatch(/sha256/);
    expect((await rowsOf(trained.tree.id))[0].status).toBe("done");
  }, 60_000);

  it("refuses to re-run a benchmark that is queued or unknown", async () => {
    const [row] = await rowsOf(trained.logreg.id);
    await requestRerun(database.db, [row.id], "tests");
    await expect(requestRerun(database.db, [row.id], "tests")).rejects.toThrow(BenchmarkStateError);
    await expect(requestRerun(database.db, [999_999], "tests")).rejects.toThrow(/999999/);
    await runPendingBenchmarks({ db: database.db, store }, options);
  }, 60_000);
});
