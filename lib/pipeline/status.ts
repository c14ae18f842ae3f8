import { and, desc, eq, inArray } from "drizzle-orm";
import { jobs, pipelineRuns, trainingRuns } from "@/db/schema";
import type { Db } from "@/lib/db";

export interface TrainingStatus {
  /** Pipeline jobs waiting or running (embedded engine). */
  queued: Array<{ id: number; status: string; attempts: number; createdAt: Date }>;
  active: Array<typeof trainingRuns.$inferSelect>;
  pipelines: Array<typeof pipelineRuns.$inferSelect>;
}

/** The job name of the training pipeline (lib/jobs/catalogue.ts). */
const PIPELINE_JOB = "train-pipeline";
const waiting = and(eq(jobs.name, PIPELINE_JOB), inArray(jobs.status, ["pending", "running"]));

/** What the Training page shows: queued jobs, runs in progress with their progress, recent decisions. */
export async function trainingStatus(db: Db, limit = 20): Promise<TrainingStatus> {
  const [queued, active, pipelines] = await Promise.all([
    db
      .select({ id: jobs.id, status: jobs.status, attempts: jobs.attempts, createdAt: jobs.createdAt })
      .from(jobs)
      .where(waiting)
      .orderBy(jobs.id),
    db.select().from(trainingRuns).where(eq(trainingRuns.status, "running")).orderBy(desc(trainingRuns.id)),
    db.select().from(pipelineRuns).orderBy(desc(pipelineRuns.id)).limit(limit),
  ]);
  return { queued, active, pipelines };
}

/** True while a training pipeline is queued or running: one at a time is enough. */
export async function pipelineBusy(db: Db): Promise<boolean> {
  const [job] = await db.select({ id: jobs.id }).from(jobs).where(waiting).limit(1);
  const [run] = await db.select({ id: pipelineRuns.id }).from(pipelineRuns).where(eq(pipelineRuns.status, "running")).limit(1);
  return Boolean(job || run);
}
