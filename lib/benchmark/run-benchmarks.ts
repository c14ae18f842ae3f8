import { and, eq, inArray, sql } from "drizzle-orm";
import { benchmarkPredictions, benchmarks, datasetVersions, modelExplanations, modelVersions } from "@/db/schema";
import { createLogger } from "@/lib/log";
import { getArtifact, type LabelledImages, type ModelArtifact } from "@/lib/ml";
import type { EngineRun } from "./engine";
import { heldBy, releaseFailed } from "./leases";
import type { Benchmark } from "./plan";
import { loadShared, threadsPerWorker } from "./pool";
import type { BenchmarkInfo } from "./types";

const log = createLogger("benchmark.engine");

type ModelVersionRow = typeof modelVersions.$inferSelect;
type Loaded = { data: LabelledImages; loadDataMs: number; readMs: number };

/**
 * Longest first (LPT): the model's last benchmark wall time where known, models never
 * benchmarked before them (they may be long), larger artifacts first among those. A long
 * benchmark that starts last would leave the other workers idle at the end.
 */
async function longestFirst(run: EngineRun, group: Benchmark[], versions: Map<number, ModelVersionRow>): Promise<Benchmark[]> {
  const ids = [...new Set(group.map((b) => b.modelVersionId))];
  const previous = new Map(
    (
      await run.db
        .select({ id: benchmarks.modelVersionId, wallMs: sql<number>`max(${benchmarks.wallMs})` })
        .from(benchmarks)
        .where(and(inArray(benchmarks.modelVersionId, ids), sql`${benchmarks.wallMs} is not null`))
        .groupBy(benchmarks.modelVersionId)
    ).map((r) => [r.id, Number(r.wallMs)]),
  );
  const bytes = (id: number) => ((versions.get(id)?.manifest.weights ?? []) as Array<{ bytes: number }>).reduce((a, w) => a + w.bytes, 0);
  const key = (b: Benchmark): [number, number] => (previous.has(b.modelVersionId) ? [0, previous.get(b.modelVersionId)!] : [1, bytes(b.modelVersionId)]);
  return [...group].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return kb[0] - ka[0] || kb[1] - ka[1];
  });
}

async function failed(run: EngineRun, row: Benchmark, error: unknown) {
  const retry = await releaseFailed(run.db, run.policy, benchmarks, row, error);
  run.summary[retry ? "retried" : "failed"]++;
}

/** Runs one claimed benchmark in the pool and saves its result while this engine still holds it. */
async function evaluate(run: EngineRun, row: Benchmark, artifact: ModelArtifact, { data, loadDataMs, readMs }: Loaded) {
  try {
    const result = await run.pool().run({ kind: "evaluate", key: `benchmark:${row.id}`, artifact, data, threads: threadsPerWorker(run.options.workers) });
    if (result.kind !== "evaluate") throw new Error("the worker answered an evaluation with another result");
    const ev = result.evaluation;
    const info: BenchmarkInfo = {
      loadDataMs,
      loadModelMs: readMs + ev.loadModelMs,
      inferMs: ev.inferMs,
      latencyMs: ev.latencyMs,
      metricsMs: ev.metricsMs,
      wallMs: readMs + ev.totalMs,
      throughput: (data.count / ev.inferMs) * 1000,
      peakWorkerMemoryMb: ev.peakMemoryMb,
      backend: ev.backend,
      backendDetail: ev.backendDetail,
      workers: run.options.workers,
    };
    const kept = await run.db.transaction(async (tx) => {
      const [saved] = await tx
        .update(benchmarks)
        .set({
          status: "done",
          runs: sql`${benchmarks.runs} + 1`,
          error: null,
          lockedBy: null,
          heartbeatAt: null,
          finishedAt: sql`now()`,
          ...ev.headline,
          sampleCount: data.count,
          wallMs: info.wallMs,
          throughput: info.throughput,
          info,
          metrics: { ...ev.metrics, ...(ev.unknownMetrics.length ? { unknown_metrics: ev.unknownMetrics } : {}) },
          intervals: ev.intervals,
        })
        .where(heldBy(benchmarks, row.id, run.policy.owner))
        .returning({ id: benchmarks.id });
      if (!saved) return false;
      const answers = { benchmarkId: row.id, ...ev.predictions };
      await tx.insert(benchmarkPredictions).values(answers).onConflictDoUpdate({ target: benchmarkPredictions.benchmarkId, set: ev.predictions });
      if (run.options.explain) await tx.insert(modelExplanations).values({ modelVersionId: row.modelVersionId, benchmarkId: row.id }).onConflictDoNothing();
      return true;
    });
    if (kept) run.summary.done++;
    else log.warn(`benchmark ${row.id} finished after its lease was taken back; result discarded`);
  } catch (error) {
    await failed(run, row, error);
  }
}

/**
 * Runs a claimed group (one dataset version): the data is loaded once into shared memory,
 * artifacts are read one after another and each handed to the pool as soon as it is ready,
 * while earlier ones already run.
 */
export async function runBenchmarkGroup(run: EngineRun, group: Benchmark[]): Promise<void> {
  let data: LabelledImages;
  let loadDataMs: number;
  try {
    const started = performance.now();
    const [version] = await run.db.select().from(datasetVersions).where(eq(datasetVersions.id, group[0].datasetVersionId));
    data = await loadShared(run.store, version);
    loadDataMs = performance.now() - started;
  } catch (error) {
    for (const row of group) await failed(run, row, error);
    return;
  }
  const versions = new Map(
    (
      await run.db
        .select()
        .from(modelVersions)
        .where(
          inArray(
            modelVersions.id,
            group.map((b) => b.modelVersionId),
          ),
        )
    ).map((v) => [v.id, v]),
  );
  const runs: Array<Promise<void>> = [];
  for (const row of await longestFirst(run, group, versions)) {
    const started = performance.now();
    try {
      const artifact = await getArtifact(run.store, versions.get(row.modelVersionId)!.artifactKey);
      runs.push(evaluate(run, row, artifact, { data, loadDataMs, readMs: performance.now() - started }));
    } catch (error) {
      runs.push(failed(run, row, error));
    }
  }
  await Promise.all(runs);
}
