import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { benchmarks, modelExplanations } from "@/db/schema";
import type { Db } from "@/lib/db";
import { retryDelayMs, staleRunning } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import type { Benchmark } from "./plan";

const log = createLogger("benchmark.engine");

export type Explanation = typeof modelExplanations.$inferSelect;
type LeasedRows = typeof benchmarks | typeof modelExplanations;

/** What claims, releases and retries need to know of the engine. */
export interface LeasePolicy {
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
}

/**
 * Takes back rows whose process died while running them (stale heartbeat, or a holder known
 * to be gone, e.g. the previous incarnation of this server): queued again, or failed once
 * they have used every attempt.
 */
export async function reclaimStale(db: Db, policy: LeasePolicy): Promise<number> {
  const message = "interrupted: the process running it stopped";
  let reclaimed = 0;
  for (const table of [benchmarks, modelExplanations]) {
    const stale = await staleRunning(db, table, policy.leaseMs);
    const requeued = await db
      .update(table)
      .set({ status: "pending", lockedBy: null, heartbeatAt: null, runAfter: new Date(), error: message })
      .where(and(stale, sql`attempts < ${policy.maxAttempts}`))
      .returning({ id: table.id });
    const failed = await db
      .update(table)
      .set({ status: "failed", lockedBy: null, heartbeatAt: null, error: `${message} (${policy.maxAttempts} attempts)`, finishedAt: new Date() })
      .where(stale)
      .returning({ id: table.id });
    reclaimed += requeued.length + failed.length;
    if (requeued.length || failed.length) log.warn(`reclaimed interrupted ${table === benchmarks ? "benchmarks" : "explanations"}`, { requeued, failed });
  }
  return reclaimed;
}

/** Claims pending benchmarks of one dataset version (the one waiting longest). */
export async function claimGroup(db: Db, owner: string, limit: number): Promise<Benchmark[]> {
  const due = and(eq(benchmarks.status, "pending"), lte(benchmarks.runAfter, sql`now()`));
  const [next] = await db
    .select({ datasetVersionId: benchmarks.datasetVersionId })
    .from(benchmarks)
    .where(due)
    .orderBy(asc(benchmarks.runAfter), asc(benchmarks.id))
    .limit(1);
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

export async function claimExplanations(db: Db, owner: string, limit: number): Promise<Explanation[]> {
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

/** Only while this engine still holds the row: a result or failure after the lease was taken back is dropped. */
export const heldBy = (table: LeasedRows, id: number, owner: string) => and(eq(table.id, id), eq(table.lockedBy, owner), eq(table.status, "running"));

/**
 * Records a failed benchmark or explanation: queued again after a backoff while attempts
 * remain, failed for good after the last. Returns whether it will be retried.
 */
export async function releaseFailed(db: Db, policy: LeasePolicy, table: LeasedRows, row: { id: number; attempts: number }, error: unknown): Promise<boolean> {
  const message = error instanceof Error ? error.message : String(error);
  const retry = row.attempts < policy.maxAttempts;
  await db
    .update(table)
    .set(
      retry
        ? {
            status: "pending",
            error: message,
            lockedBy: null,
            heartbeatAt: null,
            runAfter: new Date(Date.now() + retryDelayMs(policy.retryBaseMs, row.attempts)),
          }
        : { status: "failed", error: message, lockedBy: null, heartbeatAt: null, finishedAt: new Date() },
    )
    .where(heldBy(table, row.id, policy.owner));
  log[retry ? "warn" : "error"](`${table === benchmarks ? "benchmark" : "explanation"} ${row.id} failed${retry ? "; will retry" : ""}`, {
    error: message,
    attempt: row.attempts,
  });
  return retry;
}
