import { and, desc, eq, inArray, not, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { datasetTags, datasetVersions, hyperparameterSearches, jobs, pipelineRuns, trainingRuns } from "@/db/schema";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { staleRunning } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import { wilsonInterval, type Interval } from "@/lib/metrics";
import type { PipelineCandidate } from "./types";

const log = createLogger("pipeline");

export interface TrainingStatus {
  /** Pipeline jobs waiting or running (embedded engine). */
  queued: Array<{ id: number; status: string; attempts: number; createdAt: Date; lastError: string | null }>;
  active: Array<typeof trainingRuns.$inferSelect>;
  /** Each run with its holdout size and every candidate's accuracy interval on it. */
  pipelines: Array<
    Omit<typeof pipelineRuns.$inferSelect, "candidates"> & {
      holdoutRecords: number | null;
      trainingTag: string | null;
      /** The hyperparameter search the run's candidate came from, if it searched. */
      searchId: number | null;
      candidates: Array<PipelineCandidate & { holdoutInterval: Interval | null }> | null;
    }
  >;
}

/** The job name of the training pipeline (lib/jobs/catalogue.ts). */
const PIPELINE_JOB = "train-pipeline";

/**
 * Pipeline and training runs marked running that no live process holds any more (a crash,
 * a kill, a shutdown that ran out of time) become `interrupted`, with the reason. Called at
 * start-up and wherever running runs are looked at, so none stays "running" forever.
 */
export async function expireStaleRuns(db: Db, leaseMs = config().jobs.leaseMs): Promise<number> {
  const finishedAt = new Date();
  const training = await db
    .update(trainingRuns)
    .set({ status: "interrupted", error: "interrupted: the process training it stopped before it finished", lockedBy: null, finishedAt })
    .where(await staleRunning(db, trainingRuns, leaseMs))
    .returning({ id: trainingRuns.id });
  const pipelines = await db
    .update(pipelineRuns)
    .set({ status: "interrupted", error: "interrupted: the process running it stopped; it resumes if its job runs again", lockedBy: null })
    .where(await staleRunning(db, pipelineRuns, leaseMs))
    .returning({ id: pipelineRuns.id });
  // A search is a step of its pipeline run: it stops with it (and resumes with it).
  if (pipelines.length) {
    const stopped = pipelines.map((r) => r.id);
    await db
      .update(hyperparameterSearches)
      .set({ status: "interrupted", error: "interrupted: its pipeline run stopped; it resumes if the run's job runs again" })
      .where(and(eq(hyperparameterSearches.status, "running"), inArray(hyperparameterSearches.pipelineRunId, stopped)));
  }
  if (training.length || pipelines.length) {
    log.warn("runs left running by a stopped process are marked interrupted", {
      trainingRuns: training.map((r) => r.id),
      pipelineRuns: pipelines.map((r) => r.id),
    });
  }
  return training.length + pipelines.length;
}

/** Pipeline jobs waiting, or running in a process that is still alive. */
async function queuedPipelineJobs(db: Db) {
  const stale = await staleRunning(db, jobs, config().jobs.leaseMs);
  return and(eq(jobs.name, PIPELINE_JOB), or(eq(jobs.status, "pending"), and(eq(jobs.status, "running"), not(stale))));
}

const trainVersions = alias(datasetVersions, "train_versions");
const trainTags = alias(datasetTags, "train_tags");

/** What the Training page shows: queued jobs, runs in progress with their progress, recent decisions. */
export async function trainingStatus(db: Db, limit = 20): Promise<TrainingStatus> {
  await expireStaleRuns(db);
  const [queued, active, pipelines] = await Promise.all([
    db
      .select({ id: jobs.id, status: jobs.status, attempts: jobs.attempts, createdAt: jobs.createdAt, lastError: jobs.lastError })
      .from(jobs)
      .where(await queuedPipelineJobs(db))
      .orderBy(jobs.id),
    db.select().from(trainingRuns).where(eq(trainingRuns.status, "running")).orderBy(desc(trainingRuns.id)),
    db
      .select({ run: pipelineRuns, holdoutRecords: datasetVersions.recordCount, trainingTag: trainTags.name, searchId: hyperparameterSearches.id })
      .from(pipelineRuns)
      .leftJoin(hyperparameterSearches, eq(hyperparameterSearches.pipelineRunId, pipelineRuns.id))
      .leftJoin(datasetVersions, eq(datasetVersions.id, pipelineRuns.holdoutVersionId))
      .leftJoin(trainVersions, eq(trainVersions.id, pipelineRuns.trainVersionId))
      .leftJoin(trainTags, eq(trainTags.id, trainVersions.tagId))
      .orderBy(desc(pipelineRuns.id))
      .limit(limit),
  ]);
  return {
    queued,
    active,
    pipelines: pipelines.map(({ run, holdoutRecords, trainingTag, searchId }) => ({
      ...run,
      holdoutRecords,
      trainingTag,
      searchId,
      candidates:
        run.candidates?.map((c) => ({
          ...c,
          holdoutInterval: holdoutRecords ? wilsonInterval(Math.round(c.holdoutAccuracy * holdoutRecords), holdoutRecords) : null,
        })) ?? null,
    })),
  };
}

/** True while a training pipeline is queued or running in a live process: one at a time is enough. */
export async function pipelineBusy(db: Db): Promise<boolean> {
  await expireStaleRuns(db);
  const [job] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(await queuedPipelineJobs(db))
    .limit(1);
  const [run] = await db.select({ id: pipelineRuns.id }).from(pipelineRuns).where(eq(pipelineRuns.status, "running")).limit(1);
  return Boolean(job || run);
}
