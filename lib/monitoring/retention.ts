import { and, inArray, lt, sql } from "drizzle-orm";
import { jobs, logs, predictions } from "@/db/schema";
import { queryRows, type Db } from "@/lib/db";

const DAY_MS = 86_400_000;

/** Deletes logged predictions older than the retention period; returns how many. */
export async function purgePredictions(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(predictions)
    .where(lt(predictions.ts, new Date(now - retentionDays * DAY_MS)))
    .returning({ id: predictions.id });
  return removed.length;
}

export interface RetentionResult {
  logs: number;
  jobs: number;
}

/**
 * Keeps the operational tables from growing for ever: log rows older than `logDays`, and
 * finished jobs (with their memoised steps, by cascade) older than `jobDays`; the every-minute
 * schedules alone add thousands of job rows a day. Pending and running jobs are never touched.
 */
export async function purgeOperationalData(db: Db, retention: { logDays: number; jobDays: number }, now = Date.now()): Promise<RetentionResult> {
  // Counted in the database: a long-neglected log table can hold millions of old rows.
  const cutoff = new Date(now - retention.logDays * DAY_MS).toISOString();
  const [{ n: logCount }] = await queryRows<{ n: number }>(
    db,
    sql`with removed as (delete from ${logs} where ${logs.ts} < ${cutoff} returning 1) select count(*)::int as n from removed`,
  );
  const removedJobs = await db
    .delete(jobs)
    .where(and(inArray(jobs.status, ["succeeded", "failed"]), lt(jobs.createdAt, new Date(now - retention.jobDays * DAY_MS))))
    .returning({ id: jobs.id });
  return { logs: Number(logCount), jobs: removedJobs.length };
}
