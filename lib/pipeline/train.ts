import { and, eq } from "drizzle-orm";
import { datasetTags, datasetVersions, modelVersions, trainingRuns } from "@/db/schema";
import { codeVersion } from "@/lib/code-version";
import { config } from "@/lib/config";
import { loadSnapshot, resolveTag, type DatasetVersion } from "@/lib/data";
import type { Db } from "@/lib/db";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { isInterrupted, keepAlive, leaseOwner } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import { KMNIST_PREPROCESSING, modelFamily, runTrainJobInWorker, type TrainJob, type TrainProgress } from "@/lib/ml";
import { registerModelVersion, type ModelVersion } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("pipeline.training");

/** The tag the pipeline trains on (TRAINING_TAG; default `training`: KMNIST's train split and every imported source's). */
export const trainingTag = () => config().training.tag;
export const HOLDOUT_TAG = "kmnist-holdout";

export interface TrainRequest {
  algorithm: string;
  hyperparameters?: Record<string, unknown>;
  author?: string;
  modelName?: string;
  /**
   * Makes the request idempotent within a pipeline run: a model already trained for this
   * (run, algorithm) is returned instead of trained again, so a retried or resumed job
   * registers each model once.
   */
  pipelineRunId?: number;
  onProgress?: (p: TrainProgress) => void;
  /** Fires on shutdown: the worker is stopped and the run recorded as interrupted. */
  signal?: AbortSignal;
  /** The tag to train on (default: TRAINING_TAG). */
  trainingTag?: string;
  /** An earlier version of that tag to train on instead of its newest (retraining on an earlier data version). */
  trainingVersionId?: number;
}

export class TrainingVersionError extends Error {
  override name = "TrainingVersionError";
  readonly status = 422;
  readonly code = "unknown_training_version";
}

/** The newest version of `tagName` (resolved now), or the given earlier one, which must be a version of that tag. */
export async function trainingVersion(db: Db, store: ObjectStore, tagName: string, versionId?: number): Promise<DatasetVersion> {
  if (versionId === undefined) return (await resolveTag(db, store, tagName)).version;
  const [row] = await db
    .select({ version: datasetVersions })
    .from(datasetVersions)
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(and(eq(datasetVersions.id, versionId), eq(datasetTags.name, tagName)));
  if (!row) throw new TrainingVersionError(`dataset version ${versionId} is not a version of the tag ${tagName}`);
  return row.version;
}

/** A training run row, running and leased to `owner` from now. */
export async function startTrainingRun(
  db: Db,
  owner: string,
  values: Omit<typeof trainingRuns.$inferInsert, "status" | "lockedBy" | "heartbeatAt" | "startedAt">,
): Promise<typeof trainingRuns.$inferSelect> {
  const [run] = await db
    .insert(trainingRuns)
    .values({ ...values, status: "running", lockedBy: owner, heartbeatAt: new Date(), startedAt: new Date() })
    .returning();
  return run;
}

/** The manifest fields of a model trained here on `version` of `tag` (`records`: how many of its records it learnt from). */
export function trainingManifest(model: { name: string; author: string; tag: string; version: DatasetVersion; records: number }): TrainJob["manifest"] {
  return {
    name: model.name,
    author: model.author,
    // The tag the model follows: the benchmark engine evaluates it on every version of it.
    datasetTag: HOLDOUT_TAG,
    preprocessing: KMNIST_PREPROCESSING,
    labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })),
    metrics: ["accuracy", "log_loss", "confusion_matrix", "roc_auc", "calibration"],
    trainingData: { tag: model.tag, contentHash: model.version.contentHash, protocol: model.version.protocol, records: model.records },
  };
}

/** Forwards a worker's progress and keeps it on the training run's row: at most one write a second (the rows are for people watching a page). */
export function progressRecorder(db: Db, runId: number, forward?: (p: TrainProgress) => void): (p: TrainProgress) => void {
  let lastWrite = 0;
  return (progress) => {
    forward?.(progress);
    const now = Date.now();
    if (now - lastWrite < 1000 && progress.epoch !== progress.epochs) return;
    lastWrite = now;
    void db
      .update(trainingRuns)
      .set({ progress })
      .where(eq(trainingRuns.id, runId))
      .catch(() => undefined);
  };
}

export interface TrainOutcome {
  runId: number;
  modelVersion: ModelVersion;
  holdoutAccuracy: number;
  trainSeconds: number;
  backend: string;
}

/**
 * Trains a model on the latest version of the training tag in a worker thread, evaluates it on
 * `kmnist-holdout`, registers it, and records the run (with progress) in `training_runs`.
 */
export async function trainAndRegister(db: Db, store: ObjectStore, request: TrainRequest): Promise<TrainOutcome> {
  const family = modelFamily(request.algorithm);
  const hyperparameters = family.hyperparameters.parse(request.hyperparameters ?? {}) as Record<string, unknown>;
  if (request.pipelineRunId !== undefined) {
    const earlier = await previousAttempt(db, request.pipelineRunId, family.algorithm);
    if (earlier) return earlier;
  }
  const trainVersion = await trainingVersion(db, store, request.trainingTag ?? trainingTag(), request.trainingVersionId);
  const { version: holdoutVersion } = await resolveTag(db, store, HOLDOUT_TAG);
  const owner = leaseOwner("training");
  const run = await startTrainingRun(db, owner, {
    algorithm: family.algorithm,
    hyperparameters,
    trainVersionId: trainVersion.id,
    evalVersionId: holdoutVersion.id,
    pipelineRunId: request.pipelineRunId ?? null,
  });
  const stopHeartbeat = keepAlive(db, trainingRuns, owner, config().jobs.leaseMs / 4, (error) =>
    log.warn("training heartbeat failed", { runId: run.id, error }),
  );

  try {
    const [train, holdout] = await Promise.all([loadSnapshot(store, trainVersion), loadSnapshot(store, holdoutVersion)]);
    const result = await runTrainJobInWorker(
      {
        algorithm: family.algorithm,
        hyperparameters,
        train,
        holdout,
        manifest: trainingManifest({
          name: request.modelName ?? `kmnist-${family.algorithm}`,
          author: request.author ?? "kana-lab pipeline",
          tag: request.trainingTag ?? trainingTag(),
          version: trainVersion,
          records: trainVersion.recordCount,
        }),
      },
      progressRecorder(db, run.id, request.onProgress),
      request.signal,
    );
    // The version and the run's success are committed together: after a crash either both
    // exist (and a retry reuses them) or neither does.
    const modelVersion = await registerModelVersion(db, store, {
      artifact: result.artifact,
      trainingDataVersionId: trainVersion.id,
      backend: result.backend,
      codeVersion: codeVersion(),
      onRegistered: async (tx, version) => {
        await tx
          .update(trainingRuns)
          .set({
            status: "succeeded",
            backend: result.backend,
            holdoutAccuracy: result.holdoutAccuracy,
            trainSeconds: result.trainSeconds,
            modelVersionId: version.id,
            lockedBy: null,
            finishedAt: new Date(),
          })
          .where(eq(trainingRuns.id, run.id));
      },
    });
    return { runId: run.id, modelVersion, holdoutAccuracy: result.holdoutAccuracy, trainSeconds: result.trainSeconds, backend: result.backend };
  } catch (error) {
    const interrupted = isInterrupted(error);
    if (interrupted) log.info(`training ${family.algorithm} interrupted by shutdown`, { runId: run.id });
    else log.error(`training ${family.algorithm} failed`, { runId: run.id, error });
    await db
      .update(trainingRuns)
      .set({ status: interrupted ? "interrupted" : "failed", error: (error as Error).message, finishedAt: new Date(), lockedBy: null })
      .where(eq(trainingRuns.id, run.id));
    throw error;
  } finally {
    stopHeartbeat();
  }
}

/** What a finished training run registered, as the pipeline records it. */
export function outcomeOf(run: typeof trainingRuns.$inferSelect, modelVersion: ModelVersion): TrainOutcome {
  return {
    runId: run.id,
    modelVersion,
    holdoutAccuracy: run.holdoutAccuracy ?? 0,
    trainSeconds: run.trainSeconds ?? 0,
    backend: run.backend ?? "unknown",
  };
}

async function previousAttempt(db: Db, pipelineRunId: number, algorithm: string): Promise<TrainOutcome | null> {
  const attempts = await db
    .select({ run: trainingRuns, version: modelVersions })
    .from(trainingRuns)
    .leftJoin(modelVersions, eq(modelVersions.id, trainingRuns.modelVersionId))
    .where(and(eq(trainingRuns.pipelineRunId, pipelineRunId), eq(trainingRuns.algorithm, algorithm)));
  const done = attempts.find((a) => a.run.status === "succeeded" && a.version);
  if (done?.version) return outcomeOf(done.run, done.version);
  // This job holds the pipeline run now, so an earlier attempt still marked running has no live process.
  for (const { run } of attempts.filter((a) => a.run.status === "running")) {
    log.warn(`training run ${run.id} (${algorithm}) was interrupted; training again`, { pipelineRunId });
    await db
      .update(trainingRuns)
      .set({ status: "interrupted", error: "interrupted: the process stopped before the run finished", finishedAt: new Date(), lockedBy: null })
      .where(eq(trainingRuns.id, run.id));
  }
  return null;
}
