import { benchmarks, modelExplanations } from "@/db/schema";
import type { Db } from "@/lib/db";
import { keepAlive, leaseOwner, throwIfAborted } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { claimExplanations, claimGroup, reclaimStale, type LeasePolicy } from "./leases";
import { benchmarkPool, releasePoolLater, type BenchmarkPool } from "./pool";
import { runBenchmarkGroup } from "./run-benchmarks";
import { runExplanationBatch } from "./run-explanations";

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
  onPool?: (pool: BenchmarkPool) => void;
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

/** One pass of the engine: what its benchmark and explanation runs share. */
export interface EngineRun {
  db: Db;
  store: ObjectStore;
  options: EngineOptions;
  policy: LeasePolicy;
  summary: SweepSummary;
  /** The worker pool, started on first use. */
  pool(): BenchmarkPool;
}

/**
 * Runs every due benchmark, then every due explanation, and returns when none is left.
 * Benchmarks are taken in groups of one dataset version, whose data is loaded once into
 * shared memory for all the workers. A benchmark is idempotent: its row is claimed with a
 * lease (heartbeat), its result is written only while this engine still holds that lease,
 * a failure is retried with backoff, and a row left running by a dead process is reclaimed.
 */
export async function runPendingBenchmarks({ db, store }: { db: Db; store: ObjectStore }, options: EngineOptions): Promise<SweepSummary> {
  const policy: LeasePolicy = {
    owner: options.owner ?? leaseOwner("engine"),
    leaseMs: options.leaseMs,
    maxAttempts: options.maxAttempts,
    retryBaseMs: options.retryBaseMs,
  };
  const summary: SweepSummary = { done: 0, failed: 0, retried: 0, groups: 0, explained: 0, reclaimed: await reclaimStale(db, policy) };
  let pool: BenchmarkPool | null = null;
  const run: EngineRun = {
    db,
    store,
    options,
    policy,
    summary,
    pool: () => {
      if (!pool) {
        pool = benchmarkPool(options.workers);
        options.onPool?.(pool);
      }
      return pool;
    },
  };
  const heartbeats = [benchmarks, modelExplanations].map((table) =>
    keepAlive(db, table, policy.owner, Math.max(250, options.leaseMs / 4), (error) => log.warn("heartbeat failed", { error })),
  );
  try {
    for (;;) {
      throwIfAborted(options.signal);
      const group = await claimGroup(db, policy.owner, options.workers * 4);
      if (group.length === 0) break;
      summary.groups++;
      await runBenchmarkGroup(run, group);
    }
    for (;;) {
      throwIfAborted(options.signal);
      const claimed = await claimExplanations(db, policy.owner, options.workers * 2);
      if (claimed.length === 0) break;
      await runExplanationBatch(run, claimed);
    }
  } finally {
    for (const stop of heartbeats) stop();
    if (pool) releasePoolLater();
  }
  if (summary.done || summary.failed || summary.explained) log.info(`benchmark sweep finished`, { ...summary });
  return summary;
}
