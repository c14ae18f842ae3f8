import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { aliasHistory, datasetVersions, modelVersions, pipelineRuns } from "@/db/schema";
import { config } from "@/lib/config";
import { loadSnapshot, prepareKmnist, resolveTag, sourceHoldoutTags } from "@/lib/data";
import type { Db } from "@/lib/db";
import { directSteps, type StepRunner } from "@/lib/jobs";
import { isInterrupted, keepAlive, leaseOwner, throwIfAborted } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import { pairedContingency } from "@/lib/metrics";
import { ALGORITHMS, evaluateInWorker, getArtifact, type Algorithm, type TrainProgress } from "@/lib/ml";
import { aliasTarget, bestUnaliasedChampion, CHAMPION, promote, resolveModelRef, versionLabel } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { decidePromotion, decidePromotionAcross, type HoldoutOutcome, type PromotionThresholds } from "./decision";
import { searchAndRegister, type SearchRequest } from "./search";
import { HOLDOUT_TAG, trainAndRegister, trainingTag, trainingVersion } from "./train";
import type { PipelineCandidate, PromotionComparison, TriggerDetail, TriggerKind } from "./types";

const log = createLogger("pipeline");

export type PipelineRun = typeof pipelineRuns.$inferSelect;

export interface PipelineInput {
  trigger: TriggerKind;
  /** What a data-driven trigger saw (new records, drift, accuracy drop), recorded on the run. */
  triggerDetail?: TriggerDetail;
  actor: string;
  /** Train on this tag instead of TRAINING_TAG ... */
  trainingTag?: string;
  /** ... or on this earlier version of it (retraining on an earlier data version). */
  trainingVersionId?: number;
  algorithms?: readonly Algorithm[];
  hyperparameters?: Partial<Record<Algorithm, Record<string, unknown>>>;
  thresholds?: PromotionThresholds;
  /** Search this family's hyperparameters within a time budget instead of training each family once; the best trial is the run's candidate. */
  search?: Pick<SearchRequest, "algorithm" | "budgetSeconds" | "seed" | "eta" | "maxConfigurations" | "space">;
}

export interface PipelineDeps {
  db: Db;
  store: ObjectStore;
  onProgress?: (algorithm: string, progress: TrainProgress) => void;
  /** Fires on shutdown: training stops, the run is recorded as interrupted (InterruptedError). */
  signal?: AbortSignal;
}

function logProgress(algorithm: string, p: TrainProgress) {
  log.info(
    `${algorithm}: epoch ${p.epoch}/${p.epochs}` +
      (p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : "") +
      (p.etaSeconds !== undefined ? `, about ${Math.ceil(p.etaSeconds)} s left` : ""),
  );
}

/**
 * The training pipeline: refresh data → resolve tags → train each family (worker threads)
 * → evaluate on holdout → compare the best with the champion on the same holdout version →
 * promote only past the thresholds → record the decision and its numbers either way.
 * Every step is idempotent, so a retried job finishes the same run exactly once.
 */
export async function trainingPipeline(deps: PipelineDeps, input: PipelineInput, step: StepRunner = directSteps): Promise<PipelineRun> {
  const { db, store, signal } = deps;
  // The run is leased to this process while it works on it (lib/leases): a run nobody holds
  // any more is shown as interrupted and does not block the next one.
  const owner = leaseOwner("pipeline");
  const runId = await step.run("start", async () => {
    const [run] = await db
      .insert(pipelineRuns)
      .values({ trigger: input.trigger, triggerDetail: input.triggerDetail ?? null, actor: input.actor, lockedBy: owner, heartbeatAt: new Date() })
      .returning({ id: pipelineRuns.id });
    return run.id;
  });
  // A resumed job takes its run back.
  await db
    .update(pipelineRuns)
    .set({ status: "running", lockedBy: owner, heartbeatAt: new Date(), error: null, finishedAt: null })
    .where(and(eq(pipelineRuns.id, runId), inArray(pipelineRuns.status, ["running", "interrupted", "failed"])));
  const stopHeartbeat = keepAlive(db, pipelineRuns, owner, config().jobs.leaseMs / 4, (error) => log.warn("pipeline heartbeat failed", { runId, error }));
  try {
    throwIfAborted(signal);
    const data = await step.run("prepare-data", async () => {
      await prepareKmnist(db, store);
      const tagName = input.trainingTag ?? trainingTag();
      const train = await trainingVersion(db, store, tagName, input.trainingVersionId);
      const { version: holdout } = await resolveTag(db, store, HOLDOUT_TAG);
      // The other sources' holdouts (imports, feedback) the decision weighs, each apart.
      const sourceHoldouts: Array<{ tag: string; versionId: number }> = [];
      for (const tag of await sourceHoldoutTags(db, tagName)) {
        const { version } = await resolveTag(db, store, tag).catch(() => ({ version: null }));
        if (version) sourceHoldouts.push({ tag, versionId: version.id });
      }
      await db.update(pipelineRuns).set({ trainVersionId: train.id, holdoutVersionId: holdout.id }).where(eq(pipelineRuns.id, runId));
      return { trainVersionId: train.id, holdoutVersionId: holdout.id, sourceHoldouts };
    });
    const { algorithms: configuredAlgorithms, hyperparameters: configuredHyperparameters } = config().training;
    const candidates: PipelineCandidate[] = [];
    const algorithms = input.search ? [input.search.algorithm] : (input.algorithms ?? configuredAlgorithms ?? ALGORITHMS);
    for (const algorithm of algorithms) {
      throwIfAborted(signal);
      candidates.push(
        await step.run(`${input.search ? "search" : "train"}-${algorithm}`, async () => {
          const request = {
            author: `pipeline (${input.trigger})`,
            pipelineRunId: runId,
            trainingTag: input.trainingTag,
            trainingVersionId: data.trainVersionId,
            signal,
            onProgress: (p: TrainProgress) => {
              logProgress(algorithm, p);
              deps.onProgress?.(algorithm, p);
            },
          };
          const hyperparameters = { ...configuredHyperparameters[algorithm], ...input.hyperparameters?.[algorithm] };
          const outcome = input.search
            ? await searchAndRegister(db, store, { ...request, ...input.search, baseHyperparameters: hyperparameters })
            : await trainAndRegister(db, store, { ...request, algorithm, hyperparameters });
          log.info(
            `${versionLabel(outcome.modelVersion)}: holdout accuracy ${(outcome.holdoutAccuracy * 100).toFixed(2)}% in ${outcome.trainSeconds.toFixed(1)} s`,
            { runId },
          );
          return {
            algorithm,
            modelVersionId: outcome.modelVersion.id,
            model: versionLabel(outcome.modelVersion),
            holdoutAccuracy: outcome.holdoutAccuracy,
            trainSeconds: outcome.trainSeconds,
          };
        }),
      );
      await db.update(pipelineRuns).set({ candidates }).where(eq(pipelineRuns.id, runId));
    }
    throwIfAborted(signal);
    const thresholds = input.thresholds ?? { ...config().promotion, minSamples: config().evaluation.minSamples };
    return await step.run("decide", () => decide(deps, runId, candidates, data.sourceHoldouts, thresholds, input.actor));
  } catch (error) {
    if (isInterrupted(error)) {
      log.info("training pipeline interrupted by shutdown; its job resumes it", { runId });
      await db
        .update(pipelineRuns)
        .set({ status: "interrupted", error: "interrupted by shutdown: resumes when its job runs again", lockedBy: null })
        .where(eq(pipelineRuns.id, runId));
    } else {
      log.error("training pipeline failed", { runId, error });
      await db
        .update(pipelineRuns)
        .set({ status: "failed", error: (error as Error).message, finishedAt: new Date(), lockedBy: null })
        .where(eq(pipelineRuns.id, runId));
    }
    throw error;
  } finally {
    stopHeartbeat();
  }
}

/** Convenience for callers without a job engine (CLI, tests, first start). */
export function runTrainingPipeline(db: Db, store: ObjectStore, options: PipelineInput & { onProgress?: PipelineDeps["onProgress"] }) {
  const { onProgress, ...input } = options;
  return trainingPipeline({ db, store, onProgress }, input);
}

async function decide(
  deps: PipelineDeps,
  runId: number,
  candidates: PipelineCandidate[],
  sourceHoldouts: Array<{ tag: string; versionId: number }>,
  thresholds: PromotionThresholds,
  actor: string,
): Promise<PipelineRun> {
  const { db, store } = deps;
  const [run] = await db.select().from(pipelineRuns).where(eq(pipelineRuns.id, runId));
  if (run.status === "succeeded") return run;
  const best = candidates.reduce((a, b) => (b.holdoutAccuracy > a.holdoutAccuracy ? b : a));

  // A promotion made by an earlier attempt of this step (crash before the run was updated).
  const [earlierPromotion] = await db
    .select()
    .from(aliasHistory)
    .where(and(eq(aliasHistory.alias, CHAMPION), sql`${aliasHistory.metrics} ->> 'pipelineRunId' = ${String(runId)}`))
    .orderBy(desc(aliasHistory.id))
    .limit(1);

  let promoted: boolean;
  let reason: string;
  let championBefore: { id: number; accuracy: number } | null;
  let comparison: PromotionComparison | null;
  let sourceComparisons: PromotionComparison[] = [];
  if (earlierPromotion) {
    promoted = true;
    reason = earlierPromotion.reason;
    const metrics = earlierPromotion.metrics as {
      championAccuracy?: number | null;
      comparison?: PromotionComparison | null;
      sourceComparisons?: PromotionComparison[];
    };
    championBefore = earlierPromotion.fromVersionId === null ? null : { id: earlierPromotion.fromVersionId, accuracy: metrics.championAccuracy ?? NaN };
    comparison = metrics.comparison ?? null;
    sourceComparisons = metrics.sourceComparisons ?? [];
  } else {
    // The champion is whoever serves now: the alias, or before any promotion the best earlier
    // model (not one of this run's candidates, which would otherwise compete with themselves).
    const championId = await aliasTarget(db, CHAMPION);
    const serving =
      championId !== null
        ? await resolveModelRef(db, CHAMPION)
        : await bestUnaliasedChampion(
            db,
            candidates.map((c) => c.modelVersionId),
          );
    const models = {
      challenger: { id: best.modelVersionId, label: best.model },
      champion: serving ? { id: serving.id, label: `${serving.name}@${serving.version}` } : null,
    };
    const holdouts = [{ tag: HOLDOUT_TAG, versionId: run.holdoutVersionId! }, ...sourceHoldouts];
    const compared = models.champion ? await pairedOnHoldouts(db, store, holdouts, thresholds, { ...models, champion: models.champion }) : [];
    comparison = compared[0] ?? null;
    sourceComparisons = compared.slice(1);
    const champion = comparison?.champion ?? null;
    const challenger = comparison?.challenger ?? { label: best.model, accuracy: best.holdoutAccuracy };
    const outcome = (c: PromotionComparison): HoldoutOutcome => ({
      tag: c.tag ?? HOLDOUT_TAG,
      challenger: c.challenger,
      champion: c.champion,
      paired: c.contingency,
    });
    const decision = comparison
      ? decidePromotionAcross(outcome(comparison), sourceComparisons.map(outcome), thresholds)
      : decidePromotion(challenger, null, thresholds, null);
    if (decision.promote) {
      await promote(db, best.modelVersionId, {
        actor,
        reason: decision.reason,
        metrics: {
          pipelineRunId: String(runId),
          trigger: run.trigger,
          triggerDetail: run.triggerDetail,
          holdoutAccuracy: challenger.accuracy,
          championAccuracy: champion?.accuracy ?? null,
          thresholds,
          comparison,
          sourceComparisons,
        },
      });
    }
    promoted = decision.promote;
    reason = decision.reason;
    championBefore = champion;
  }
  log.info(reason, { runId });
  const [finished] = await db
    .update(pipelineRuns)
    .set({
      status: "succeeded",
      championBeforeId: championBefore?.id ?? null,
      championBeforeAccuracy: championBefore && Number.isFinite(championBefore.accuracy) ? championBefore.accuracy : null,
      championAfterId: promoted ? best.modelVersionId : (championBefore?.id ?? null),
      decision: promoted ? "promoted" : "kept",
      comparison,
      sourceComparisons,
      reason,
      lockedBy: null,
      finishedAt: new Date(),
    })
    .where(eq(pipelineRuns.id, runId))
    .returning();
  return finished;
}

/**
 * Challenger and champion on the same images of each holdout version, each model in a worker
 * thread (in parallel): their accuracies and the 2x2 table of right/wrong with the exact
 * McNemar p-value, one comparison per holdout in the order given.
 */
async function pairedOnHoldouts(
  db: Db,
  store: ObjectStore,
  holdouts: Array<{ tag: string; versionId: number }>,
  thresholds: PromotionThresholds,
  models: { challenger: { id: number; label: string }; champion: { id: number; label: string } },
): Promise<PromotionComparison[]> {
  const rows = await db
    .select({ id: modelVersions.id, artifactKey: modelVersions.artifactKey })
    .from(modelVersions)
    .where(inArray(modelVersions.id, [models.challenger.id, models.champion.id]));
  const artifacts = await Promise.all([models.challenger.id, models.champion.id].map((id) => getArtifact(store, rows.find((r) => r.id === id)!.artifactKey)));
  const comparisons: PromotionComparison[] = [];
  for (const { tag, versionId } of holdouts) {
    const [holdout] = await db.select().from(datasetVersions).where(eq(datasetVersions.id, versionId));
    const data = await loadSnapshot(store, holdout);
    const [challenger, champion] = await Promise.all(artifacts.map((artifact) => evaluateInWorker(artifact, data)));
    comparisons.push({
      tag,
      holdoutVersionId: versionId,
      challenger: { ...models.challenger, accuracy: challenger.accuracy },
      champion: { ...models.champion, accuracy: champion.accuracy },
      contingency: pairedContingency(data.labels, challenger.predicted, champion.predicted),
      maxP: thresholds.maxP,
      margins: { minAbsolute: thresholds.minAbsolute, minRelative: thresholds.minRelative },
    });
  }
  return comparisons;
}
