import { and, eq } from "drizzle-orm";
import { hyperparameterSearches, modelVersions, trainingRuns } from "@/db/schema";
import { codeVersion } from "@/lib/code-version";
import { config } from "@/lib/config";
import { loadSnapshot, resolveTag } from "@/lib/data";
import type { Db } from "@/lib/db";
import { isInterrupted, keepAlive, leaseOwner } from "@/lib/leases";
import { createLogger } from "@/lib/log";
import { artifactFromZip, artifactToZip, modelFamily, runTrainJobInWorker, type Algorithm, type LabelledImages, type TrainProgress } from "@/lib/ml";
import { seededRandom, shuffledIndices } from "@/lib/random";
import { registerModelVersion } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { planBracket, rungSizes, survivors } from "./halving";
import { sampleConfiguration, SEARCH_SPACES, trialHyperparameters, type SearchSpace } from "./search-space";
import { HOLDOUT_TAG, outcomeOf, progressRecorder, startTrainingRun, trainingManifest, trainingTag, trainingVersion, type TrainOutcome } from "./train";
import type { SearchStrategy } from "./types";

const log = createLogger("pipeline.search");

export const SEARCH_DEFAULTS = {
  eta: 3,
  maxConfigurations: 27,
  validationShare: 0.1,
  /** 6,000 images score a trial to ±0.5 points (95 %) at 96 %: enough to rank, cheap to evaluate. */
  maxValidation: 6000,
  seed: 1,
} as const;

/** A search that cannot go on: no trial finished, or too little data to hold out a validation split. */
export class SearchError extends Error {
  override name = "SearchError";
}

export interface SearchRequest {
  algorithm: Algorithm;
  /** Seconds of trials the search may spend; the last trial is stopped when it would run past it by more than a grace period. */
  budgetSeconds: number;
  /** The pipeline run the search is one step of: a resumed run continues its search. */
  pipelineRunId: number;
  seed?: number;
  eta?: number;
  maxConfigurations?: number;
  /** Another space than the family's declared one (tests use small rungs). */
  space?: SearchSpace;
  /** Hyperparameters every trial starts from (the pipeline's configured ones); the space's values override them. */
  baseHyperparameters?: Record<string, unknown>;
  trainingTag?: string;
  trainingVersionId?: number;
  author?: string;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

type SearchRow = typeof hyperparameterSearches.$inferSelect;
type TrialRow = typeof trainingRuns.$inferSelect;
type TrialResult = { kind: "done"; trial: TrialRow } | { kind: "out-of-budget" };

const trialKey = (bracket: number, configuration: number, rung: number) => `b${bracket}-c${configuration}-r${rung}`;
const trialObject = (searchId: number, runId: number) => `searches/${searchId}/trials/${runId}.zip`;
/** A trial may run this far past the budget before it is stopped: the estimate of its time is only an estimate. */
const graceSeconds = (budgetSeconds: number) => Math.max(30, budgetSeconds * 0.1);

/**
 * Hyperparameter search as one step of a pipeline run: random configurations of the family's
 * declared space, trained with successive halving (each rung trains the best 1/eta of the
 * previous one on eta times the epochs or data) in brackets until the time budget is spent.
 * Every trial is a training run scored on a validation split of the training version, so the
 * holdout stays untouched for the promotion gate; the best trial at the largest resource
 * reached is registered and returned as the step's candidate. A resumed search skips the
 * trials it has and replays the brackets it planned.
 */
export async function searchAndRegister(db: Db, store: ObjectStore, request: SearchRequest): Promise<TrainOutcome> {
  const search = await openSearch(db, request);
  if (search.status === "succeeded" && search.modelVersionId !== null && search.bestTrainingRunId !== null) return finishedOutcome(db, search);
  await db.update(hyperparameterSearches).set({ status: "running", error: null, finishedAt: null }).where(eq(hyperparameterSearches.id, search.id));
  const owner = leaseOwner("search");
  const stopHeartbeat = keepAlive(db, trainingRuns, owner, config().jobs.leaseMs / 4, (error) =>
    log.warn("search heartbeat failed", { searchId: search.id, error }),
  );
  try {
    const outcome = await runSearch(db, store, request, search, owner);
    await store.list(`searches/${search.id}/`).then((objects) => Promise.all(objects.map((o) => store.delete(o.key))));
    return outcome;
  } catch (error) {
    const interrupted = isInterrupted(error);
    if (!interrupted) log.error(`hyperparameter search ${search.id} failed`, { error });
    await db
      .update(hyperparameterSearches)
      .set({ status: interrupted ? "interrupted" : "failed", error: (error as Error).message, ...(interrupted ? {} : { finishedAt: new Date() }) })
      .where(eq(hyperparameterSearches.id, search.id));
    throw error;
  } finally {
    stopHeartbeat();
  }
}

async function openSearch(db: Db, request: SearchRequest): Promise<SearchRow> {
  const where = and(eq(hyperparameterSearches.pipelineRunId, request.pipelineRunId), eq(hyperparameterSearches.algorithm, request.algorithm));
  const strategy: SearchStrategy = {
    kind: "successive-halving",
    eta: request.eta ?? SEARCH_DEFAULTS.eta,
    maxConfigurations: request.maxConfigurations ?? SEARCH_DEFAULTS.maxConfigurations,
    validationShare: SEARCH_DEFAULTS.validationShare,
    space: request.space ?? SEARCH_SPACES[request.algorithm],
    brackets: [],
  };
  await db
    .insert(hyperparameterSearches)
    .values({
      pipelineRunId: request.pipelineRunId,
      algorithm: request.algorithm,
      budgetSeconds: Math.round(request.budgetSeconds),
      strategy,
      seed: request.seed ?? SEARCH_DEFAULTS.seed,
    })
    .onConflictDoNothing();
  const [search] = await db.select().from(hyperparameterSearches).where(where);
  return search;
}

async function runSearch(db: Db, store: ObjectStore, request: SearchRequest, search: SearchRow, owner: string): Promise<TrainOutcome> {
  const family = modelFamily(request.algorithm);
  const { strategy, seed, budgetSeconds } = search;
  const { space, eta } = strategy;
  const tag = request.trainingTag ?? trainingTag();
  const trainVersion = await trainingVersion(db, store, tag, request.trainingVersionId);
  const { version: holdoutVersion } = await resolveTag(db, store, HOLDOUT_TAG);
  const [all, holdout] = await Promise.all([loadSnapshot(store, trainVersion), loadSnapshot(store, holdoutVersion)]);
  const { train, validation } = validationSplit(all, seed, strategy.validationShare);
  await db
    .update(hyperparameterSearches)
    .set({ trainVersionId: trainVersion.id, validationCount: validation.count })
    .where(eq(hyperparameterSearches.id, search.id));

  const trials = await earlierTrials(db, search.id);
  let spent = search.spentSeconds;
  const resources = space.resource.rungs;
  const measured = () => {
    const done = [...trials.values()].filter((t) => t.status === "succeeded" && t.startedAt && t.finishedAt);
    const units = done.reduce((sum, t) => sum + resources[t.rung ?? 0], 0);
    const seconds = done.reduce((sum, t) => sum + (t.finishedAt!.getTime() - t.startedAt!.getTime()) / 1000, 0);
    return units > 0 ? seconds / units : null;
  };

  async function runTrial(bracket: number, configuration: Record<string, unknown>, index: number, rung: number): Promise<TrialResult> {
    const key = trialKey(bracket, index, rung);
    const earlier = trials.get(key);
    if (earlier) return { kind: "done", trial: earlier };
    const perUnit = measured();
    const remaining = budgetSeconds - spent;
    if (remaining <= 0 || (perUnit !== null && perUnit * resources[rung] > remaining)) return { kind: "out-of-budget" };

    const hyperparameters = family.hyperparameters.parse({ ...request.baseHyperparameters, ...trialHyperparameters(space, configuration, rung) }) as Record<
      string,
      unknown
    >;
    const data = space.resource.kind === "data-fraction" ? firstRecords(train, Math.max(10, Math.round(train.count * resources[rung]))) : train;
    const budget = AbortSignal.timeout(Math.ceil((remaining + graceSeconds(budgetSeconds)) * 1000));
    const signal = request.signal ? AbortSignal.any([request.signal, budget]) : budget;
    const run = await startTrainingRun(db, owner, {
      algorithm: family.algorithm,
      hyperparameters,
      trainVersionId: trainVersion.id,
      evalVersionId: holdoutVersion.id,
      pipelineRunId: request.pipelineRunId,
      searchId: search.id,
      searchTrial: key,
      rung,
    });
    const started = performance.now();
    const finish = async (values: Partial<TrialRow>) => {
      const [row] = await db
        .update(trainingRuns)
        .set({ ...values, lockedBy: null, finishedAt: new Date() })
        .where(eq(trainingRuns.id, run.id))
        .returning();
      spent += (performance.now() - started) / 1000;
      await db.update(hyperparameterSearches).set({ spentSeconds: spent }).where(eq(hyperparameterSearches.id, search.id));
      trials.set(key, row);
      return row;
    };
    try {
      const result = await runTrainJobInWorker(
        {
          algorithm: family.algorithm,
          hyperparameters,
          train: data,
          holdout,
          validation,
          manifest: trainingManifest({
            name: `kmnist-${family.algorithm}`,
            author: request.author ?? `hyperparameter search ${search.id}`,
            tag,
            version: trainVersion,
            records: data.count,
          }),
        },
        progressRecorder(db, run.id, (p) => request.onProgress?.({ ...p, message: `trial ${key}` })),
        signal,
      );
      // The artifact is kept until the search has chosen: the winner is registered from it, the rest deleted.
      await store.put(trialObject(search.id, run.id), artifactToZip(result.artifact));
      const row = await finish({
        status: "succeeded",
        backend: result.backend,
        holdoutAccuracy: result.holdoutAccuracy,
        validationAccuracy: result.validationAccuracy ?? null,
        trainSeconds: result.trainSeconds,
      });
      log.info(`search ${search.id} trial ${key}: validation ${((result.validationAccuracy ?? 0) * 100).toFixed(2)}% in ${result.trainSeconds.toFixed(1)} s`, {
        hyperparameters,
      });
      return { kind: "done", trial: row };
    } catch (error) {
      if (request.signal?.aborted) {
        await db
          .update(trainingRuns)
          .set({ status: "interrupted", error: "interrupted by shutdown: the search resumes with its job", lockedBy: null, finishedAt: new Date() })
          .where(eq(trainingRuns.id, run.id));
        throw error;
      }
      if (isInterrupted(error) && budget.aborted) {
        await finish({ status: "failed", error: `stopped: the search's time budget (${budgetSeconds} s) ran out` });
        return { kind: "out-of-budget" };
      }
      log.warn(`search ${search.id} trial ${key} failed`, { error, hyperparameters });
      return { kind: "done", trial: await finish({ status: "failed", error: (error as Error).message }) };
    }
  }

  // Brackets until the budget is spent (the bound only guards against a plan that costs nothing).
  search: for (let bracket = 0; bracket < 100; bracket++) {
    const configurations = configurationSampler(space, seed, bracket);
    let plan = strategy.brackets[bracket];
    if (!plan) {
      // The very first trial runs before any plan: it measures what a unit of resource costs.
      if (measured() === null) {
        const first = await runTrial(bracket, configurations(0), 0, 0);
        if (first.kind === "out-of-budget") break;
      }
      const perUnit = measured();
      if (perUnit === null) throw new SearchError(`no trial of the search finished: ${trials.get(trialKey(bracket, 0, 0))?.error ?? "unknown error"}`);
      const next = planBracket(resources, eta, perUnit, budgetSeconds - spent, strategy.maxConfigurations, bracket === 0);
      if (!next) break;
      plan = next;
      strategy.brackets.push(plan);
      await db.update(hyperparameterSearches).set({ strategy }).where(eq(hyperparameterSearches.id, search.id));
    }
    const sizes = rungSizes(plan.configurations, plan.rungs.length, eta);
    let alive = Array.from({ length: plan.configurations }, (_, i) => i);
    let scores: Array<{ configuration: number; score: number | null }> = [];
    for (let i = 0; i < plan.rungs.length; i++) {
      if (i > 0) alive = survivors(scores, sizes[i]);
      scores = [];
      for (const index of alive) {
        const result = await runTrial(bracket, configurations(index), index, plan.rungs[i]);
        if (result.kind === "out-of-budget") break search;
        scores.push({ configuration: index, score: result.trial.status === "succeeded" ? result.trial.validationAccuracy : null });
      }
    }
  }

  const best = bestTrial([...trials.values()]);
  if (!best) throw new SearchError("no trial of the search finished within its budget");
  const artifact = artifactFromZip(await store.get(trialObject(search.id, best.id)));
  const modelVersion = await registerModelVersion(db, store, {
    artifact,
    trainingDataVersionId: trainVersion.id,
    backend: best.backend,
    codeVersion: codeVersion(),
    onRegistered: async (tx, version) => {
      await tx.update(trainingRuns).set({ modelVersionId: version.id }).where(eq(trainingRuns.id, best.id));
      await tx
        .update(hyperparameterSearches)
        .set({ status: "succeeded", bestTrainingRunId: best.id, modelVersionId: version.id, finishedAt: new Date() })
        .where(eq(hyperparameterSearches.id, search.id));
    },
  });
  log.info(
    `search ${search.id}: ${trials.size} trials in ${spent.toFixed(0)} of ${budgetSeconds} s; best ${best.searchTrial} registered as ${artifact.manifest.name}@${modelVersion.version} (validation ${((best.validationAccuracy ?? 0) * 100).toFixed(2)}%)`,
  );
  return outcomeOf(best, modelVersion);
}

/** The winner: among trials that finished, those at the largest resource reached, the best on validation (ties: the earlier). */
export function bestTrial<T extends Pick<TrialRow, "status" | "rung" | "validationAccuracy" | "id">>(trials: T[]): T | null {
  const done = trials.filter((t) => t.status === "succeeded" && t.validationAccuracy !== null);
  if (done.length === 0) return null;
  const top = Math.max(...done.map((t) => t.rung ?? 0));
  return done
    .filter((t) => (t.rung ?? 0) === top)
    .reduce((a, b) => (b.validationAccuracy! > a.validationAccuracy! || (b.validationAccuracy === a.validationAccuracy && b.id < a.id) ? b : a));
}

/** Finished trials of an earlier attempt by key; trials its process left running are marked interrupted and run again. */
async function earlierTrials(db: Db, searchId: number): Promise<Map<string, TrialRow>> {
  const rows = await db.select().from(trainingRuns).where(eq(trainingRuns.searchId, searchId));
  const trials = new Map<string, TrialRow>();
  for (const row of rows) {
    if (row.status === "running") {
      await db
        .update(trainingRuns)
        .set({ status: "interrupted", error: "interrupted: the process stopped before the trial finished", lockedBy: null, finishedAt: new Date() })
        .where(eq(trainingRuns.id, row.id));
    } else if ((row.status === "succeeded" || row.status === "failed") && row.searchTrial) trials.set(row.searchTrial, row);
  }
  return trials;
}

async function finishedOutcome(db: Db, search: SearchRow): Promise<TrainOutcome> {
  const [row] = await db
    .select({ run: trainingRuns, version: modelVersions })
    .from(trainingRuns)
    .innerJoin(modelVersions, eq(modelVersions.id, trainingRuns.modelVersionId))
    .where(eq(trainingRuns.id, search.bestTrainingRunId!));
  return outcomeOf(row.run, row.version);
}

/** Configuration `i` of a bracket, drawn in order from the bracket's own seeded stream: the same every time a search is resumed. */
function configurationSampler(space: SearchSpace, seed: number, bracket: number): (index: number) => Record<string, unknown> {
  const random = seededRandom(seed * 7919 + bracket * 104_729 + 1);
  const drawn: Array<Record<string, unknown>> = [];
  return (index) => {
    while (drawn.length <= index) drawn.push(sampleConfiguration(space, random));
    return drawn[index];
  };
}

/** A seeded random `share` of the training version (at most SEARCH_DEFAULTS.maxValidation images) to score trials on; the rest, shuffled, to train them. */
function validationSplit(data: LabelledImages, seed: number, share: number): { train: LabelledImages; validation: LabelledImages } {
  const size = Math.min(SEARCH_DEFAULTS.maxValidation, Math.round(data.count * share));
  if (size < 50 || data.count - size < 50)
    throw new SearchError(`a search needs at least 500 training records to hold out a validation split; the training version has ${data.count}`);
  const order = shuffledIndices(data.count, seededRandom(seed));
  return { validation: pick(data, order.subarray(0, size)), train: pick(data, order.subarray(size)) };
}

function pick(data: LabelledImages, indices: Uint32Array): LabelledImages {
  const images = new Uint8Array(indices.length * 784);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    images.set(data.images.subarray(source * 784, source * 784 + 784), i * 784);
    labels[i] = data.labels[source];
  });
  return { count: indices.length, images, labels };
}

/** A copy, not a view: a worker receives the whole buffer behind a view. */
function firstRecords(data: LabelledImages, count: number): LabelledImages {
  const n = Math.min(count, data.count);
  return { count: n, images: data.images.slice(0, n * 784), labels: data.labels.slice(0, n) };
}
