import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { benchmarks, datasetVersions, modelExplanations, modelVersions, type BenchmarkInfo } from "@/db/schema";
import { IMAGE_PIXELS } from "@/lib/data/classes";
import { loadSnapshot } from "@/lib/data/tags";
import type { Db } from "@/lib/db";
import { keepAlive, leaseOwner, staleRunning, throwIfAborted } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import { getArtifact, type ModelArtifact } from "@/lib/ml/artifact";
import type { LabelledImages } from "@/lib/ml/families/types";
import type { ObjectStore } from "@/lib/storage";
import { WorkerPool } from "@/lib/workers/pool";
import type { Benchmark } from "./schedule";
import type { BenchmarkTask, BenchmarkTaskResult } from "./worker";

const log = createLogger("benchmark.engine");

export interface EngineOptions {
  /** Worker threads evaluating models in parallel. */
  workers: number;
  /** A running row whose heartbeat is older than this belongs to a dead process and is taken back. */
  leaseMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** Explain each model version after its first benchmark. */
  explain: boolean;
  /** Identifies this engine's claims (default: a new lease owner of this process). */
  owner?: string;
  /** Fires on shutdown: the engine finishes the group in hand and stops with InterruptedError. */
  signal?: AbortSignal;
  /** Sees the pool once it exists (crash tests terminate a worker through it). */
  onPool?: (pool: WorkerPool<BenchmarkTask, BenchmarkTaskResult>) => void;
}

export interface SweepSummary {
  /** Benchmarks finished, failed for good, and queued again after a failure. */
  done: number;
  failed: number;
  retried: number;
  /** Dataset versions loaded (one per group of benchmarks). */
  groups: number;
  explained: number;
  reclaimed: number;
}

type Deps = { db: Db; store: ObjectStore };
type Explanation = typeof modelExplanations.$inferSelect;
type ModelVersionRow = typeof modelVersions.$inferSelect;

/** Copies a dataset version into shared memory: every worker reads the same bytes. */
async function loadShared(store: ObjectStore, version: { snapshotKey: string }): Promise<LabelledImages> {
  const snapshot = await loadSnapshot(store, version);
  const shared = new SharedArrayBuffer(snapshot.count * (1 + IMAGE_PIXELS));
  const labels = new Uint8Array(shared, 0, snapshot.count);
  const images = new Uint8Array(shared, snapshot.count, snapshot.count * IMAGE_PIXELS);
  labels.set(snapshot.labels);
  images.set(snapshot.images);
  return { count: snapshot.count, labels, images };
}

const globalForPool = globalThis as unknown as { kanaBenchmarkPool?: WorkerPool<BenchmarkTask, BenchmarkTaskResult>; kanaBenchmarkPoolIdle?: NodeJS.Timeout };
/** Workers idle this long are stopped (their wasm heaps are given back). */
const POOL_IDLE_MS = 5 * 60 * 1000;

/**
 * The process's benchmark worker pool, kept between sweeps: starting a worker (module
 * loading, wasm initialisation) costs about a second, more than a small model's benchmark.
 */
function benchmarkPool(size: number): WorkerPool<BenchmarkTask, BenchmarkTaskResult> {
  if (globalForPool.kanaBenchmarkPoolIdle) clearTimeout(globalForPool.kanaBenchmarkPoolIdle);
  const current = globalForPool.kanaBenchmarkPool;
  if (current && current.size === size) return current;
  void current?.close();
  globalForPool.kanaBenchmarkPool = new WorkerPool<BenchmarkTask, BenchmarkTaskResult>("lib/benchmark/worker.ts", size);
  return globalForPool.kanaBenchmarkPool;
}

function releasePoolLater() {
  const timer = setTimeout(() => void closeBenchmarkPool(), POOL_IDLE_MS);
  timer.unref();
  globalForPool.kanaBenchmarkPoolIdle = timer;
}

/** Stops the benchmark workers now (shutdown, tests, benchmarks of the engine itself). */
export async function closeBenchmarkPool(): Promise<void> {
  const pool = globalForPool.kanaBenchmarkPool;
  globalForPool.kanaBenchmarkPool = undefined;
  await pool?.close();
}

/**
 * Longest first (LPT): the model's last benchmark wall time where known, models never
 * benchmarked before them (they may be long), larger artifacts first among those. A long
 * benchmark that starts last would leave the other workers idle at the end.
 */
async function longestFirst(db: Db, group: Benchmark[], versions: Map<number, ModelVersionRow>): Promise<Benchmark[]> {
  const ids = [...new Set(group.map((b) => b.modelVersionId))];
  const previous = new Map(
    (
      await db
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

const retryDelay = (options: EngineOptions, attempts: number) => new Date(Date.now() + Math.min(options.retryBaseMs * 2 ** (attempts - 1), 600_000));

/**
 * Takes back rows whose process died while running them (stale heartbeat, or a holder known
 * to be gone, e.g. the previous incarnation of this server): queued again, or failed once
 * they have used every attempt.
 */
async function reclaimStale(db: Db, options: EngineOptions): Promise<number> {
  const message = "interrupted: the process running it stopped";
  let reclaimed = 0;
  for (const table of [benchmarks, modelExplanations]) {
    const stale = await staleRunning(db, table, options.leaseMs);
    const requeued = await db
      .update(table)
      .set({ status: "pending", lockedBy: null, heartbeatAt: null, runAfter: new Date(), error: message })
      .where(and(stale, sql`attempts < ${options.maxAttempts}`))
      .returning({ id: table.id });
    const failed = await db
      .update(table)
      .set({ status: "failed", lockedBy: null, heartbeatAt: null, error: `${message} (${options.maxAttempts} attempts)`, finishedAt: new Date() })
      .where(stale)
      .returning({ id: table.id });
    reclaimed += requeued.length + failed.length;
    if (requeued.length || failed.length) log.warn(`reclaimed interrupted ${table === benchmarks ? "benchmarks" : "explanations"}`, { requeued, failed });
  }
  return reclaimed;
}

/** Claims pending benchmarks of one dataset version (the one waiting longest). */
async function claimGroup(db: Db, owner: string, limit: number): Promise<Benchmark[]> {
  const due = and(eq(benchmarks.status, "pending"), lte(benchmarks.runAfter, sql`now()`));
  const [next] = await db.select({ datasetVersionId: benchmarks.datasetVersionId }).from(benchmarks).where(due).orderBy(asc(benchmarks.runAfter), asc(benchmarks.id)).limit(1);
  if (!next) return [];
  const candidates = db
    .select({ id: benchmarks.id })
    .from(benchmarks)
    .where(and(due, eq(benchmarks.datasetVersionId, next.datasetVersionId)))
    .orderBy(asc(benchmarks.id))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(benchmarks)
    .set({ status: "running", attempts: sql`${benchmarks.attempts} + 1`, lockedBy: owner, heartbeatAt: sql`now()`, startedAt: sql`now()` })
    .where(inArray(benchmarks.id, candidates))
    .returning();
}

async function claimExplanations(db: Db, owner: string, limit: number): Promise<Explanation[]> {
  const candidates = db
    .select({ id: modelExplanations.id })
    .from(modelExplanations)
    .where(and(eq(modelExplanations.status, "pending"), lte(modelExplanations.runAfter, sql`now()`)))
    .orderBy(asc(modelExplanations.runAfter), asc(modelExplanations.id))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(modelExplanations)
    .set({ status: "running", attempts: sql`${modelExplanations.attempts} + 1`, lockedBy: owner, heartbeatAt: sql`now()` })
    .where(inArray(modelExplanations.id, candidates))
    .returning();
}

/**
 * Runs every due benchmark, then every due explanation, and returns when none is left.
 * Benchmarks are taken in groups of one dataset version, whose data is loaded once into
 * shared memory for all the workers. A benchmark is idempotent: its row is claimed with a
 * lease (heartbeat), its result is written only while this engine still holds that lease,
 * a failure is retried with backoff, and a row left running by a dead process is reclaimed.
 */
export async function runPendingBenchmarks({ db, store }: Deps, options: EngineOptions): Promise<SweepSummary> {
  const owner = options.owner ?? leaseOwner("engine");
  const summary: SweepSummary = { done: 0, failed: 0, retried: 0, groups: 0, explained: 0, reclaimed: await reclaimStale(db, options) };
  let pool: WorkerPool<BenchmarkTask, BenchmarkTaskResult> | null = null;
  const workerPool = () => {
    if (!pool) {
      pool = benchmarkPool(options.workers);
      options.onPool?.(pool);
    }
    return pool;
  };
  const heartbeats = [benchmarks, modelExplanations].map((table) =>
    keepAlive(db, table, owner, Math.max(250, options.leaseMs / 4), (error) => log.warn("heartbeat failed", { error })),
  );

  const failed = async (table: typeof benchmarks | typeof modelExplanations, row: { id: number; attempts: number }, error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const retry = row.attempts < options.maxAttempts;
    const owned = and(eq(table.id, row.id), eq(table.lockedBy, owner), eq(table.status, "running"));
    await db
      .update(table)
      .set(
        retry
          ? { status: "pending", error: message, lockedBy: null, heartbeatAt: null, runAfter: retryDelay(options, row.attempts) }
          : { status: "failed", error: message, lockedBy: null, heartbeatAt: null, finishedAt: new Date() },
      )
      .where(owned);
    log[retry ? "warn" : "error"](`${table === benchmarks ? "benchmark" : "explanation"} ${row.id} failed${retry ? "; will retry" : ""}`, {
      error: message,
      attempt: row.attempts,
    });
    if (table === benchmarks) summary[retry ? "retried" : "failed"]++;
  };

  /** Runs one claimed benchmark in the pool and saves its result while this engine still holds it. */
  const evaluate = async (row: Benchmark, artifact: ModelArtifact, loaded: { data: LabelledImages; loadDataMs: number; readMs: number }) => {
    const { data, loadDataMs, readMs } = loaded;
    try {
      const result = await workerPool().run({ kind: "evaluate", key: `benchmark:${row.id}`, artifact, data });
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
        workers: options.workers,
      };
      const kept = await db.transaction(async (tx) => {
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
          })
          .where(and(eq(benchmarks.id, row.id), eq(benchmarks.lockedBy, owner), eq(benchmarks.status, "running")))
          .returning({ id: benchmarks.id });
        if (!saved) return false;
        if (options.explain) await tx.insert(modelExplanations).values({ modelVersionId: row.modelVersionId, benchmarkId: row.id }).onConflictDoNothing();
        return true;
      });
      if (kept) summary.done++;
      else log.warn(`benchmark ${row.id} finished after its lease was taken back; result discarded`);
    } catch (error) {
      await failed(benchmarks, row, error);
    }
  };

  try {
    for (;;) {
      throwIfAborted(options.signal);
      const group = await claimGroup(db, owner, options.workers * 4);
      if (group.length === 0) break;
      summary.groups++;
      let data: LabelledImages;
      let loadDataMs: number;
      try {
        const started = performance.now();
        const [version] = await db.select().from(datasetVersions).where(eq(datasetVersions.id, group[0].datasetVersionId));
        data = await loadShared(store, version);
        loadDataMs = performance.now() - started;
      } catch (error) {
        for (const row of group) await failed(benchmarks, row, error);
        continue;
      }
      const versions = new Map(
        (await db.select().from(modelVersions).where(inArray(modelVersions.id, group.map((b) => b.modelVersionId)))).map((v) => [v.id, v]),
      );
      // Tasks reach the pool in this order: artifacts are read one after another, each
      // handed over as soon as it is ready, while earlier ones already run.
      const runs: Array<Promise<void>> = [];
      for (const row of await longestFirst(db, group, versions)) {
        const started = performance.now();
        try {
          const artifact = await getArtifact(store, versions.get(row.modelVersionId)!.artifactKey);
          runs.push(evaluate(row, artifact, { data, loadDataMs, readMs: performance.now() - started }));
        } catch (error) {
          runs.push(failed(benchmarks, row, error));
        }
      }
      await Promise.all(runs);
    }

    for (;;) {
      throwIfAborted(options.signal);
      const claimed = await claimExplanations(db, owner, options.workers * 2);
      if (claimed.length === 0) break;
      // A batch usually explains several models on one dataset version: load it once.
      const loaded = new Map<number, Promise<LabelledImages>>();
      const dataOf = (version: typeof datasetVersions.$inferSelect) => {
        if (!loaded.has(version.id)) loaded.set(version.id, loadShared(store, version));
        return loaded.get(version.id)!;
      };
      await Promise.all(
        claimed.map(async (row) => {
          try {
            const [source] = await db
              .select({ artifactKey: modelVersions.artifactKey, version: datasetVersions })
              .from(benchmarks)
              .innerJoin(modelVersions, eq(modelVersions.id, benchmarks.modelVersionId))
              .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
              .where(eq(benchmarks.id, row.benchmarkId));
            const started = performance.now();
            const [artifact, data] = await Promise.all([getArtifact(store, source.artifactKey), dataOf(source.version)]);
            const result = await workerPool().run({ kind: "explain", key: `explanation:${row.id}`, artifact, data });
            if (result.kind !== "explain") throw new Error("the worker answered an explanation with another result");
            const [saved] = await db
              .update(modelExplanations)
              .set({ status: "done", methods: result.methods, seconds: (performance.now() - started) / 1000, error: null, lockedBy: null, heartbeatAt: null, finishedAt: new Date() })
              .where(and(eq(modelExplanations.id, row.id), eq(modelExplanations.lockedBy, owner), eq(modelExplanations.status, "running")))
              .returning({ id: modelExplanations.id });
            if (saved) summary.explained++;
          } catch (error) {
            await failed(modelExplanations, row, error);
          }
        }),
      );
    }
  } finally {
    for (const stop of heartbeats) stop();
    if (pool) releasePoolLater();
  }
  if (summary.done || summary.failed || summary.explained) log.info(`benchmark sweep finished`, { ...summary });
  return summary;
}
