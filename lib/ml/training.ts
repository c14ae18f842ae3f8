import { eq } from "drizzle-orm";
import { trainingRuns } from "@/db/schema";
import { KMNIST_CLASSES } from "@/lib/data/classes";
import { loadSnapshot, resolveTag } from "@/lib/data/tags";
import type { Db } from "@/lib/db";
import { codeVersion } from "@/lib/code-version";
import { createLogger } from "@/lib/log";
import { registerModelVersion, type ModelVersion } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { modelFamily } from "./families";
import type { TrainProgress } from "./families/types";
import { runTrainJobInWorker } from "./run-in-worker";

const log = createLogger("ml.training");

export const TRAIN_TAG = "kmnist-train";
export const HOLDOUT_TAG = "kmnist-holdout";

export interface TrainRequest {
  algorithm: string;
  hyperparameters?: Record<string, unknown>;
  author?: string;
  modelName?: string;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainOutcome {
  runId: number;
  modelVersion: ModelVersion;
  holdoutAccuracy: number;
  trainSeconds: number;
  backend: string;
}

/**
 * Trains a model on the latest `kmnist-train` version in a worker thread, evaluates it on
 * `kmnist-holdout`, registers it, and records the run (with progress) in `training_runs`.
 */
export async function trainAndRegister(db: Db, store: ObjectStore, request: TrainRequest): Promise<TrainOutcome> {
  const family = modelFamily(request.algorithm);
  const hyperparameters = family.hyperparameters.parse(request.hyperparameters ?? {}) as Record<string, unknown>;
  const { version: trainVersion } = await resolveTag(db, store, TRAIN_TAG);
  const { version: holdoutVersion } = await resolveTag(db, store, HOLDOUT_TAG);
  const [run] = await db
    .insert(trainingRuns)
    .values({
      algorithm: family.algorithm,
      status: "running",
      hyperparameters,
      trainVersionId: trainVersion.id,
      evalVersionId: holdoutVersion.id,
      startedAt: new Date(),
    })
    .returning();

  try {
    const [train, holdout] = await Promise.all([loadSnapshot(store, trainVersion), loadSnapshot(store, holdoutVersion)]);
    let lastWrite = 0;
    const result = await runTrainJobInWorker(
      {
        algorithm: family.algorithm,
        hyperparameters,
        train,
        holdout,
        manifest: {
          name: request.modelName ?? `kmnist-${family.algorithm}`,
          author: request.author ?? "kana-lab pipeline",
          datasetTag: TRAIN_TAG,
          preprocessing: { input: "28x28x1", scale: "0-1", polarity: "white-ink-on-black" },
          labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })),
          metrics: ["accuracy", "log_loss", "confusion_matrix", "roc_auc", "calibration"],
          trainingData: { tag: TRAIN_TAG, contentHash: trainVersion.contentHash, protocol: trainVersion.protocol, records: trainVersion.recordCount },
        },
      },
      (progress) => {
        request.onProgress?.(progress);
        // Progress rows are for humans watching a page: at most one write a second.
        const now = Date.now();
        if (now - lastWrite < 1000 && progress.epoch !== progress.epochs) return;
        lastWrite = now;
        void db.update(trainingRuns).set({ progress }).where(eq(trainingRuns.id, run.id)).catch(() => undefined);
      },
    );
    const modelVersion = await registerModelVersion(db, store, {
      artifact: result.artifact,
      trainingDataVersionId: trainVersion.id,
      backend: result.backend,
      codeVersion: codeVersion(),
    });
    await db
      .update(trainingRuns)
      .set({
        status: "succeeded",
        backend: result.backend,
        holdoutAccuracy: result.holdoutAccuracy,
        trainSeconds: result.trainSeconds,
        modelVersionId: modelVersion.id,
        finishedAt: new Date(),
      })
      .where(eq(trainingRuns.id, run.id));
    return { runId: run.id, modelVersion, holdoutAccuracy: result.holdoutAccuracy, trainSeconds: result.trainSeconds, backend: result.backend };
  } catch (error) {
    log.error(`training ${family.algorithm} failed`, { runId: run.id, error });
    await db
      .update(trainingRuns)
      .set({ status: "failed", error: (error as Error).message, finishedAt: new Date() })
      .where(eq(trainingRuns.id, run.id));
    throw error;
  }
}
