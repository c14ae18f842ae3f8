import { and, desc, eq } from "drizzle-orm";
import { pipelineRuns, trainingRuns, type PipelineCandidate } from "@/db/schema";
import { config } from "@/lib/config";
import { loadSnapshot, prepareKmnist, resolveTag } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { getArtifact } from "@/lib/ml/artifact";
import { ALGORITHMS, type Algorithm } from "@/lib/ml/families";
import type { TrainProgress } from "@/lib/ml/families/types";
import { evaluateInWorker } from "@/lib/ml/run-in-worker";
import { HOLDOUT_TAG, trainAndRegister, TRAIN_TAG } from "@/lib/ml/training";
import { aliasTarget, CHAMPION, promote, resolveModelRef } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { decidePromotion, type PromotionThresholds } from "./decision";

export { decidePromotion, type PromotionDecision, type PromotionThresholds } from "./decision";

const log = createLogger("pipeline");

export type PipelineRun = typeof pipelineRuns.$inferSelect;

export interface PipelineOptions {
  trigger: "schedule" | "event" | "ui" | "cli" | "bootstrap";
  actor: string;
  algorithms?: readonly Algorithm[];
  hyperparameters?: Partial<Record<Algorithm, Record<string, unknown>>>;
  thresholds?: PromotionThresholds;
  onProgress?: (algorithm: string, progress: TrainProgress) => void;
}

/**
 * The training pipeline: refresh data → resolve tags → train each family (worker threads)
 * → evaluate on holdout → compare the best with the champion on the same holdout version →
 * promote only past the thresholds → record the decision and its numbers either way.
 */
export async function runTrainingPipeline(db: Db, store: ObjectStore, options: PipelineOptions): Promise<PipelineRun> {
  const [run] = await db.insert(pipelineRuns).values({ trigger: options.trigger, actor: options.actor }).returning();
  try {
    await prepareKmnist(db, store);
    const { version: trainVersion } = await resolveTag(db, store, TRAIN_TAG);
    const { version: holdoutVersion } = await resolveTag(db, store, HOLDOUT_TAG);
    await db.update(pipelineRuns).set({ trainVersionId: trainVersion.id, holdoutVersionId: holdoutVersion.id }).where(eq(pipelineRuns.id, run.id));

    const candidates: PipelineCandidate[] = [];
    for (const algorithm of options.algorithms ?? ALGORITHMS) {
      const outcome = await trainAndRegister(db, store, {
        algorithm,
        hyperparameters: options.hyperparameters?.[algorithm],
        author: `pipeline (${options.trigger})`,
        onProgress: (p) => options.onProgress?.(algorithm, p),
      });
      candidates.push({
        algorithm,
        modelVersionId: outcome.modelVersion.id,
        model: `${outcome.modelVersion.artifactKey.split("/")[1]}@${outcome.modelVersion.version}`,
        holdoutAccuracy: outcome.holdoutAccuracy,
        trainSeconds: outcome.trainSeconds,
      });
      await db.update(pipelineRuns).set({ candidates }).where(eq(pipelineRuns.id, run.id));
    }
    const best = candidates.reduce((a, b) => (b.holdoutAccuracy > a.holdoutAccuracy ? b : a));

    const championId = await aliasTarget(db, CHAMPION);
    let champion: { id: number; label: string; accuracy: number } | null = null;
    if (championId !== null) {
      const resolved = await resolveModelRef(db, CHAMPION);
      champion = { id: championId, label: `${resolved.name}@${resolved.version}`, accuracy: await accuracyOnHoldout(db, store, resolved.artifactKey, championId, holdoutVersion) };
    }
    const thresholds = options.thresholds ?? config().promotion;
    const decision = decidePromotion({ label: best.model, accuracy: best.holdoutAccuracy }, champion, thresholds);
    if (decision.promote) {
      await promote(db, best.modelVersionId, {
        actor: options.actor,
        reason: decision.reason,
        metrics: { holdoutAccuracy: best.holdoutAccuracy, championAccuracy: champion?.accuracy ?? null, holdoutVersion: holdoutVersion.contentHash, thresholds },
      });
    }
    log.info(decision.reason, { runId: run.id });
    const [finished] = await db
      .update(pipelineRuns)
      .set({
        status: "succeeded",
        championBeforeId: champion?.id ?? null,
        championBeforeAccuracy: champion?.accuracy ?? null,
        championAfterId: decision.promote ? best.modelVersionId : (champion?.id ?? null),
        decision: decision.promote ? "promoted" : "kept",
        reason: decision.reason,
        finishedAt: new Date(),
      })
      .where(eq(pipelineRuns.id, run.id))
      .returning();
    return finished;
  } catch (error) {
    log.error("training pipeline failed", { runId: run.id, error });
    await db.update(pipelineRuns).set({ status: "failed", error: (error as Error).message, finishedAt: new Date() }).where(eq(pipelineRuns.id, run.id));
    throw error;
  }
}

/**
 * The champion's accuracy on this holdout version: recorded by its training run when that
 * run evaluated on the same version, otherwise measured now (in a worker thread).
 */
async function accuracyOnHoldout(
  db: Db,
  store: ObjectStore,
  artifactKey: string,
  versionId: number,
  holdoutVersion: { id: number; snapshotKey: string },
): Promise<number> {
  const [recorded] = await db
    .select({ accuracy: trainingRuns.holdoutAccuracy })
    .from(trainingRuns)
    .where(and(eq(trainingRuns.modelVersionId, versionId), eq(trainingRuns.evalVersionId, holdoutVersion.id), eq(trainingRuns.status, "succeeded")))
    .limit(1);
  if (recorded?.accuracy != null) return recorded.accuracy;
  return evaluateInWorker(await getArtifact(store, artifactKey), await loadSnapshot(store, holdoutVersion));
}

export async function listPipelineRuns(db: Db, limit = 20): Promise<PipelineRun[]> {
  return db.select().from(pipelineRuns).orderBy(desc(pipelineRuns.id)).limit(limit);
}
