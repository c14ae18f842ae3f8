import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hyperparameterSearches, modelVersions, trainingRuns } from "@/db/schema";
import { seededRandom } from "@/lib/random";
import { aliasTarget } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { bestTrial, listSearches, runTrainingPipeline, SEARCH_SPACES, searchAndRegister, searchDetail, type SearchSpace } from ".";
import { bracketCost, planBracket, rungSizes, survivors } from "./halving";
import { sampleConfiguration, trialHyperparameters } from "./search-space";

describe("successive halving arithmetic", () => {
  it("halves by eta from rung to rung, keeping at least one", () => {
    expect(rungSizes(9, 3, 3)).toEqual([9, 3, 1]);
    expect(rungSizes(27, 3, 3)).toEqual([27, 9, 3]);
    expect(rungSizes(4, 3, 3)).toEqual([4, 1, 1]);
    expect(bracketCost({ configurations: 9, rungs: [0, 1, 2] }, [2, 6, 18], 3)).toBe(9 * 2 + 3 * 6 + 18);
  });

  it("plans the largest bracket that fits, then random search at the full resource, then (first bracket only) at the smallest, then nothing", () => {
    const rungs = [2, 6, 18];
    // 1 s per epoch: 9 configurations cost 54 s, 11 cost 58 s (11 → 3 → 1), 12 cost 66 s (12 → 4 → 1).
    expect(planBracket(rungs, 3, 1, 60, 27)).toEqual({ configurations: 11, rungs: [0, 1, 2] });
    expect(planBracket(rungs, 3, 1, 1000, 27)).toEqual({ configurations: 27, rungs: [0, 1, 2] });
    // 3 configurations cost 6 + 6 + 18 = 30 s: below that, one or more trials at 18 epochs.
    expect(planBracket(rungs, 3, 1, 29, 27)).toEqual({ configurations: 1, rungs: [2] });
    expect(planBracket(rungs, 3, 1, 10, 27)).toEqual({ configurations: 5, rungs: [0] });
    // A later bracket at the smallest resource could not compete with the first one's winner.
    expect(planBracket(rungs, 3, 1, 10, 27, false)).toBeNull();
    expect(planBracket(rungs, 3, 1, 40, 27, false)).toEqual({ configurations: 5, rungs: [0, 1, 2] });
    expect(planBracket(rungs, 3, 1, 1.5, 27)).toBeNull();
  });

  it("lets the best 1/eta through, never a failed trial, ties to the earlier configuration", () => {
    const scores = [
      { configuration: 0, score: 0.8 },
      { configuration: 1, score: 0.9 },
      { configuration: 2, score: null },
      { configuration: 3, score: 0.9 },
      { configuration: 4, score: 0.7 },
    ];
    expect(survivors(scores, 2)).toEqual([1, 3]);
    expect(survivors(scores, 1)).toEqual([1]);
    expect(survivors([{ configuration: 0, score: null }], 1)).toEqual([]);
  });

  it("picks the winner among trials at the largest resource reached, by validation accuracy", () => {
    const trial = (id: number, rung: number, validationAccuracy: number | null, status: "succeeded" | "failed" = "succeeded") => ({
      id,
      rung,
      validationAccuracy,
      status,
    });
    expect(bestTrial([trial(1, 0, 0.99), trial(2, 1, 0.9), trial(3, 1, 0.95)])?.id).toBe(3);
    expect(bestTrial([trial(1, 0, 0.9), trial(2, 1, 0.95, "failed")])?.id).toBe(1);
    expect(bestTrial([trial(1, 0, 0.9), trial(2, 0, 0.9)])?.id).toBe(1);
    expect(bestTrial([])).toBeNull();
  });
});

describe("search spaces", () => {
  it("draw every dimension inside its declared range, reproducibly from the seed", () => {
    for (const space of Object.values(SEARCH_SPACES)) {
      const random = seededRandom(7);
      const again = seededRandom(7);
      for (let i = 0; i < 200; i++) {
        const configuration = sampleConfiguration(space, random);
        expect(sampleConfiguration(space, again)).toEqual(configuration);
        for (const [name, dimension] of Object.entries(space.dimensions)) {
          const value = configuration[name];
          if (dimension.kind === "choice") expect(dimension.values).toContain(value);
          else {
            expect(value).toBeGreaterThanOrEqual(dimension.min);
            expect(value).toBeLessThanOrEqual(dimension.max);
            if (dimension.kind === "int") expect(Number.isInteger(value)).toBe(true);
          }
        }
      }
    }
  });

  it("give a trial its rung's epochs and the space's fixed values", () => {
    expect(trialHyperparameters(SEARCH_SPACES.cnn, { filters: 24 }, 1)).toEqual({ augment: true, filters: 24, epochs: 6 });
    expect(trialHyperparameters(SEARCH_SPACES.tree, { maxDepth: 9 }, 0)).toEqual({ maxDepth: 9 });
  });
});

describe("hyperparameter search as a pipeline run (real KMNIST, PostgreSQL, worker threads)", () => {
  let database: TestDatabase;
  let store: Awaited<ReturnType<typeof createTempStore>>;
  // Small rungs keep the test short; the arithmetic is the same as for the declared spaces.
  const space: SearchSpace = { ...SEARCH_SPACES.logreg, resource: { kind: "epochs", rungs: [1, 2, 4] } };
  const budgetSeconds = 45;

  beforeAll(async () => {
    process.env.KMNIST_DIR = KMNIST_TEST_DIR;
    process.env.KMNIST_DOWNLOAD = "never";
    database = await createPostgresTestDatabase();
    store = await createTempStore();
  });
  afterAll(async () => {
    await database?.cleanup();
    await store?.cleanup();
  });

  it("records every trial, halves by validation score within the budget, and sends the best through the promotion gate", async () => {
    const run = await runTrainingPipeline(database.db, store, {
      trigger: "cli",
      actor: "tests",
      search: { algorithm: "logreg", budgetSeconds, space, seed: 3 },
    });
    expect(run).toMatchObject({ status: "succeeded", decision: "promoted" });
    expect(run.reason).toMatch(/^no champion yet/);
    const [search] = await database.db.select().from(hyperparameterSearches).where(eq(hyperparameterSearches.pipelineRunId, run.id));
    expect(search).toMatchObject({ status: "succeeded", algorithm: "logreg", budgetSeconds, validationCount: 800 });
    const detail = (await searchDetail(database.db, search.id))!;
    const trials = detail.trials;
    expect(detail.decision).toMatchObject({ decision: "promoted" });
    const best = Math.max(...trials.filter((t) => t.status === "succeeded").map((t) => t.validationAccuracy!));
    expect(detail.search).toMatchObject({ trialCount: trials.length, bestValidationAccuracy: best });
    expect(await listSearches(database.db)).toEqual([expect.objectContaining({ id: search.id, trialCount: trials.length, bestValidationAccuracy: best })]);
    expect(trials.length).toBeGreaterThanOrEqual(4);

    // Every trial is a recorded training run with its hyperparameters and both scores.
    for (const t of trials.filter((t) => t.status === "succeeded")) {
      expect(t).toMatchObject({ algorithm: "logreg", searchId: search.id, pipelineRunId: run.id });
      // A poor learning rate at one epoch may sit near chance; the scores are fractions all the same.
      expect(t.validationAccuracy).toBeGreaterThan(0);
      expect(t.holdoutAccuracy).toBeLessThanOrEqual(1);
      expect(t.hyperparameters.epochs).toBe(space.resource.rungs[t.rung!]);
      expect(t.hyperparameters.learningRate).toBeGreaterThanOrEqual(2e-4);
    }
    // Successive halving: within a bracket each rung trains at most 1/eta of the one before, and only its best.
    const [first] = search.strategy.brackets;
    expect(first.configurations).toBeGreaterThanOrEqual(3);
    const ofRung = (rung: number) => trials.filter((t) => t.searchTrial?.startsWith("b0-") && t.rung === rung);
    const sizes = rungSizes(first.configurations, first.rungs.length, 3);
    expect(ofRung(0).length).toBeLessThanOrEqual(sizes[0]);
    if (ofRung(1).length > 0) {
      expect(ofRung(1).length).toBe(sizes[1]);
      const promotedConfigurations = ofRung(1).map((t) => t.searchTrial!.split("-")[1]);
      const bestAtRung0 = [...ofRung(0)]
        .sort((a, b) => b.validationAccuracy! - a.validationAccuracy! || a.id - b.id)
        .slice(0, sizes[1])
        .map((t) => t.searchTrial!.split("-")[1]);
      expect(promotedConfigurations.sort()).toEqual(bestAtRung0.sort());
    }
    // The budget holds: trials started only while their estimate fitted (one may overrun by its own length).
    expect(search.spentSeconds).toBeLessThanOrEqual(budgetSeconds * 1.5);

    // The winner is registered, is the pipeline's only candidate, and is now the champion.
    const winner = trials.find((t) => t.id === search.bestTrainingRunId)!;
    expect(winner.validationAccuracy).toBeGreaterThan(0.6);
    expect(winner.modelVersionId).toBe(search.modelVersionId);
    expect(run.candidates).toEqual([expect.objectContaining({ algorithm: "logreg", modelVersionId: search.modelVersionId })]);
    expect(await aliasTarget(database.db, "champion")).toBe(search.modelVersionId);
    const [version] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, search.modelVersionId!));
    expect(version.hyperparameters).toEqual(winner.hyperparameters);
    // Only the winner is kept: the other trials' artifacts are gone.
    expect(await store.list(`searches/${search.id}/`)).toEqual([]);
    expect(await database.db.select().from(modelVersions)).toHaveLength(1);
  }, 300_000);

  it("a resumed search trains nothing again and returns the same model", async () => {
    const [search] = await database.db.select().from(hyperparameterSearches);
    const trialsBefore = await database.db.select().from(trainingRuns);
    const outcome = await searchAndRegister(database.db, store, { algorithm: "logreg", budgetSeconds, pipelineRunId: search.pipelineRunId, space });
    expect(outcome.modelVersion.id).toBe(search.modelVersionId);
    expect(await database.db.select().from(trainingRuns)).toHaveLength(trialsBefore.length);
  });
});
