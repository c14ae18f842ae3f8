import { and, asc, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import { jobs, jobSteps } from "@/db/schema";
import type { Db } from "@/lib/db";
import { staleRunning } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import type { JobDefinition } from "./catalogue";
import type { StepRunner } from "./steps";

const log = createLogger("jobs");
// Any fixed number: serialises job claims of every runner sharing the database.
const JOB_CLAIM_LOCK_ID = 7_262_022;

export type Job = typeof jobs.$inferSelect;

/** Step results stored in `job_steps`: a retried job skips what it already finished. */
export function memoisedSteps(db: Db, jobId: number): StepRunner {
  return {
    async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const [done] = await db
        .select()
        .from(jobSteps)
        .where(and(eq(jobSteps.jobId, jobId), eq(jobSteps.step, name)));
      if (done) return done.output as T;
      const output = await fn();
      await db
        .insert(jobSteps)
        .values({ jobId, step: name, output: (output ?? null) as unknown })
        .onConflictDoNothing();
      return output;
    },
  };
}

/**
 * Running jobs whose lease ran out or whose process is gone: queued again (their attempt
 * counted), or failed once every attempt is used. Returns how many were taken back.
 */
export async function reclaimStaleJobs(db: Db, leaseMs: number): Promise<number> {
  const stale = await staleRunning(db, jobs, leaseMs);
  const unlocked = { lockedBy: null, lockedAt: null, heartbeatAt: null };
  const requeued = await db
    .update(jobs)
    .set({ ...unlocked, status: "pending", runAt: new Date(), lastError: "interrupted: the process running it stopped" })
    .where(and(stale, lt(jobs.attempts, jobs.maxAttempts)))
    .returning({ id: jobs.id, name: jobs.name });
  const failed = await db
    .update(jobs)
    .set({ ...unlocked, status: "failed", finishedAt: new Date(), lastError: "interrupted: the process running it stopped, and no attempt is left" })
    .where(and(stale, gte(jobs.attempts, jobs.maxAttempts)))
    .returning({ id: jobs.id, name: jobs.name });
  for (const job of requeued) log.warn(`resuming job ${job.id} (${job.name}): the process running it stopped`);
  for (const job of failed) log.error(`job ${job.id} (${job.name}) failed: the process running it stopped on its last attempt`);
  return requeued.length + failed.length;
}

/**
 * Takes the next due job of the given definitions whose name is under its own concurrency
 * limit, for `owner`. Claims are serialised across processes (an advisory lock for the
 * transaction): two runners must not both see "no pipeline running" and start one each.
 */
export function claimNextJob(db: Db, definitions: JobDefinition[], owner: string): Promise<Job | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${JOB_CLAIM_LOCK_ID})`);
    const running = await tx
      .select({ name: jobs.name, n: sql<number>`count(*)` })
      .from(jobs)
      .where(eq(jobs.status, "running"))
      .groupBy(jobs.name);
    const runningByName = new Map(running.map((row) => [row.name, Number(row.n)]));
    const claimable = definitions.filter((d) => (runningByName.get(d.name) ?? 0) < d.concurrency).map((d) => d.name);
    if (claimable.length === 0) return null;
    const candidate = tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.status, "pending"), lte(jobs.runAt, new Date()), inArray(jobs.name, claimable)))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(1)
      .for("update", { skipLocked: true });
    const [job] = await tx
      .update(jobs)
      .set({ status: "running", attempts: sql`${jobs.attempts} + 1`, lockedBy: owner, lockedAt: new Date(), heartbeatAt: sql`now()` })
      .where(sql`${jobs.id} = (${candidate})`)
      .returning();
    return job ?? null;
  });
}
