import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelVersions, trainingRuns } from "@/db/schema";
import { pairedContingency } from "@/lib/metrics";
import { aliasHistoryOf, aliasTarget, promote, rollback } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { decidePromotion, decidePromotionAcross, runTrainingPipeline, type HoldoutOutcome, type PipelineInput } from ".";

describe("decidePromotion", () => {
  const t = { minAbsolute: 0.01, minRelative: 0, maxP: 0.05 };
  /** A paired table on n images where the challenger alone is right on `first` and the champion alone on `second`. */
  const table = (first: number, second: number, n = 2000) => {
    const labels = new Uint8Array(n);
    const challenger = new Uint8Array(n);
    const champion = new Uint8Array(n);
    for (let i = 0; i < first; i++) champion[i] = 1;
    for (let i = first; i < first + second; i++) challenger[i] = 1;
    return pairedContingency(labels, challenger, champion);
  };
  const clear = table(60, 10);

  it("promotes when there is no champion", () => {
    expect(decidePromotion({ label: "a@1", accuracy: 0.5 }, null, t, null).promote).toBe(true);
  });
  it("keeps the champion unless the absolute margin is met", () => {
    expect(decidePromotion({ label: "a@2", accuracy: 0.905 }, { label: "a@1", accuracy: 0.9 }, t, clear)).toMatchObject({ promote: false });
    expect(decidePromotion({ label: "a@2", accuracy: 0.91 }, { label: "a@1", accuracy: 0.9 }, t, clear)).toMatchObject({ promote: true });
    expect(decidePromotion({ label: "a@2", accuracy: 0.9 }, { label: "a@1", accuracy: 0.9 }, { ...t, minAbsolute: 0 }, table(0, 0)).promote).toBe(false);
  });
  it("applies the relative margin too", () => {
    const relative = { minAbsolute: 0, minRelative: 0.05, maxP: 0.05 };
    expect(decidePromotion({ label: "b", accuracy: 0.84 }, { label: "a", accuracy: 0.8 }, relative, clear).promote).toBe(true);
    expect(decidePromotion({ label: "b", accuracy: 0.839 }, { label: "a", accuracy: 0.8 }, relative, clear).promote).toBe(false);
  });
  it("keeps the champion when a gain past the margins is not significant (0.3 points on 2,000 images), and says so with p", () => {
    // 30 images only the challenger gets right, 24 only the champion: +6 of 2,000 = +0.3 points.
    const paired = table(30, 24);
    expect(paired).toMatchObject({ n: 2000, firstOnly: 30, secondOnly: 24, bothCorrect: 1946, bothWrong: 0 });
    expect(paired.pValue).toBeCloseTo(0.4966, 4);
    const decision = decidePromotion({ label: "cnn@2", accuracy: 0.968 }, { label: "cnn@1", accuracy: 0.965 }, { ...t, minAbsolute: 0.002 }, paired);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toBe(
      "champion kept, the gain is not significant: cnn@2 96.80% vs champion cnn@1 96.50% (gain 0.30 points, needed 0.20); " +
        "McNemar p = 0.4966 ≥ 0.05 on 2000 images (30 right only by the challenger, 24 only by the champion)",
    );
  });
  it("promotes a clearly better challenger, recording p < 0.05", () => {
    const paired = table(60, 10);
    expect(paired.pValue).toBeLessThan(1e-8);
    const decision = decidePromotion({ label: "cnn@2", accuracy: 0.99 }, { label: "cnn@1", accuracy: 0.965 }, t, paired);
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(
      /^promoted: .*; McNemar p = \d\.\de-\d+ < 0\.05 on 2000 images \(60 right only by the challenger, 10 only by the champion\)$/,
    );
  });
  it("explains its decision with the numbers", () => {
    expect(decidePromotion({ label: "cnn@2", accuracy: 0.95 }, { label: "cnn@1", accuracy: 0.96 }, t, table(4, 24)).reason).toBe(
      "champion kept: cnn@2 95.00% vs champion cnn@1 96.00% (gain -1.00 points, needed 1.00); McNemar p = 0.0002 < 0.05 on 2000 images (4 right only by the challenger, 24 only by the champion)",
    );
  });
  it("refuses to decide against a champion without the paired test", () => {
    expect(() => decidePromotion({ label: "b", accuracy: 0.9 }, { label: "a", accuracy: 0.8 }, t, null)).toThrow(/paired test/);
  });
});

describe("decidePromotionAcross (the primary holdout and every source's holdout, each apart)", () => {
  const t = { minAbsolute: 0.002, minRelative: 0, maxP: 0.05, maxRegression: 0.005, minSamples: 200 };
  /** A holdout of n images where the challenger alone is right on `first` and the champion alone on `second`, both right on `both`. */
  const holdout = (tag: string, n: number, both: number, first: number, second: number): HoldoutOutcome => {
    const labels = new Uint8Array(n);
    const challenger = new Uint8Array(n).fill(1);
    const champion = new Uint8Array(n).fill(1);
    for (let i = 0; i < both; i++) challenger[i] = champion[i] = 0;
    for (let i = both; i < both + first; i++) challenger[i] = 0;
    for (let i = both + first; i < both + first + second; i++) champion[i] = 0;
    return {
      tag,
      challenger: { label: "cnn@2", accuracy: (both + first) / n },
      champion: { label: "cnn@1", accuracy: (both + second) / n },
      paired: pairedContingency(labels, challenger, champion),
    };
  };

  it("promotes for a new style the champion cannot read, while the primary holdout holds", () => {
    const decision = decidePromotionAcross(holdout("kmnist-holdout", 2000, 1740, 5, 4), [holdout("style-holdout", 300, 170, 60, 2)], t);
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(
      /^promoted for style-holdout: 76\.67% vs 57\.33% \(\+19\.33 points, McNemar p = .* on 300 images\); kmnist-holdout: 87\.25% vs 87\.20%/,
    );
  });
  it("keeps the champion when the primary holdout loses more than PROMOTION_MAX_REGRESSION, and says which holdout won", () => {
    // -1 point on 2,000 images (30 vs 50): past 0.5 points, though not significant alone.
    const decision = decidePromotionAcross(holdout("kmnist-holdout", 2000, 1700, 30, 50), [holdout("style-holdout", 300, 170, 60, 2)], t);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/; not promoted for style-holdout: worse on kmnist-holdout: .*-1\.00 points/);
  });
  it("keeps the champion when a gain on the primary holdout comes with a significant loss on a source's", () => {
    const decision = decidePromotionAcross(holdout("kmnist-holdout", 2000, 1700, 60, 10), [holdout("style-holdout", 300, 200, 2, 40)], t);
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/^champion kept, better on kmnist-holdout but worse on style-holdout: /);
  });
  it("a source holdout below EVALUATION_MIN_SAMPLES cannot carry a promotion", () => {
    expect(decidePromotionAcross(holdout("kmnist-holdout", 2000, 1740, 5, 4), [holdout("tiny-holdout", 50, 20, 20, 0)], t).promote).toBe(false);
  });
});

describe("runTrainingPipeline (real KMNIST, PostgreSQL, worker threads)", () => {
  let database: TestDatabase;
  let store: Awaited<ReturnType<typeof createTempStore>>;
  // Deterministic, fast settings: the same data gives the same models.
  const options: PipelineInput = {
    trigger: "event",
    actor: "tests",
    hyperparameters: { logreg: { epochs: 3 }, tree: { maxDepth: 6 }, cnn: { epochs: 1, filters: 4, denseUnits: 32, dropout: 0, augment: false } },
  };

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

  it("from a clean database: three models, a champion and its history row", async () => {
    const run = await runTrainingPipeline(database.db, store, options);
    expect(run).toMatchObject({ status: "succeeded", decision: "promoted", championBeforeId: null });
    expect(run.candidates?.map((c) => c.algorithm)).toEqual(["logreg", "tree", "cnn"]);
    expect(await database.db.select().from(modelVersions)).toHaveLength(3);
    const best = run.candidates!.reduce((a, b) => (b.holdoutAccuracy > a.holdoutAccuracy ? b : a));
    expect(await aliasTarget(database.db, "champion")).toBe(best.modelVersionId);
    expect(run.championAfterId).toBe(best.modelVersionId);
    const history = await aliasHistoryOf(database.db);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: "promote", toVersionId: best.modelVersionId, actor: "tests" });
    expect(history[0].reason).toMatch(/^no champion yet/);
  }, 180_000);

  it("a second run with no data change and no better model keeps the champion and says why", async () => {
    const champion = await aliasTarget(database.db, "champion");
    const [recorded] = await database.db.select().from(trainingRuns).where(eq(trainingRuns.modelVersionId, champion!));
    // Forget which holdout version the champion was scored on: the pipeline must measure it again.
    await database.db.update(trainingRuns).set({ evalVersionId: null }).where(eq(trainingRuns.modelVersionId, champion!));

    const run = await runTrainingPipeline(database.db, store, options);
    expect(run).toMatchObject({ status: "succeeded", decision: "kept", championBeforeId: champion, championAfterId: champion });
    expect(run.reason).toMatch(/^champion kept: .* \(gain 0\.00 points, needed 0\.20\); McNemar p = 1\.0000 ≥ 0\.05 on 2000 images \(0 right only/);
    expect(run.championBeforeAccuracy).toBeCloseTo(recorded.holdoutAccuracy!, 10);
    // The decision records the paired table: the same deterministic model twice agrees on every image.
    expect(run.comparison).toMatchObject({ holdoutVersionId: run.holdoutVersionId, maxP: 0.05, champion: { id: champion } });
    expect(run.comparison!.contingency).toMatchObject({ n: 2000, firstOnly: 0, secondOnly: 0, pValue: 1 });
    expect(run.comparison!.contingency.bothCorrect).toBe(Math.round(recorded.holdoutAccuracy! * 2000));
    expect(await aliasTarget(database.db, "champion")).toBe(champion);
    expect(await aliasHistoryOf(database.db)).toHaveLength(1);
    expect(await database.db.select().from(modelVersions)).toHaveLength(6);
  }, 180_000);

  it("a rollback moves the champion back and is recorded", async () => {
    const original = (await aliasTarget(database.db, "champion"))!;
    const [other] = await database.db.select().from(modelVersions).where(eq(modelVersions.algorithm, "tree"));
    await promote(database.db, other.id, { actor: "tests", reason: "try the tree" });
    await rollback(database.db, { actor: "tests", reason: "the tree was worse" });
    expect(await aliasTarget(database.db, "champion")).toBe(original);
    const [latest] = await aliasHistoryOf(database.db);
    expect(latest).toMatchObject({ action: "rollback", fromVersionId: other.id, toVersionId: original, reason: "the tree was worse" });
  });
});

describe("runTrainingPipeline before any promotion", () => {
  /** A fresh database with one model registered (no alias yet), then a pipeline run training only `challenger`. */
  async function againstExisting(
    existing: { algorithm: "logreg" | "tree"; hyperparameters: Record<string, unknown> },
    challenger: { algorithm: "logreg" | "tree"; hyperparameters: Record<string, unknown> },
    check: (run: Awaited<ReturnType<typeof runTrainingPipeline>>, existingId: number, database: TestDatabase) => Promise<void>,
  ) {
    const { trainAndRegister } = await import("@/lib/pipeline");
    const { prepareKmnist } = await import("@/lib/data");
    const database = await createPostgresTestDatabase();
    const store = await createTempStore();
    try {
      await prepareKmnist(database.db, store);
      const registered = await trainAndRegister(database.db, store, existing);
      const run = await runTrainingPipeline(database.db, store, {
        trigger: "event",
        actor: "tests",
        algorithms: [challenger.algorithm],
        hyperparameters: { [challenger.algorithm]: challenger.hyperparameters },
      });
      await check(run, registered.modelVersion.id, database);
    } finally {
      await database.cleanup();
      await store.cleanup();
    }
  }

  it("compares with the best model already serving, not only with the alias", async () => {
    await againstExisting(
      { algorithm: "logreg", hyperparameters: { epochs: 3 } },
      { algorithm: "tree", hyperparameters: { maxDepth: 3 } },
      async (run, existingId, database) => {
        expect(run).toMatchObject({ decision: "kept", championBeforeId: existingId, championAfterId: existingId });
        expect(run.reason).toMatch(/^champion kept: kmnist-tree@1 .* vs champion kmnist-logreg@1/);
        expect(await aliasTarget(database.db, "champion")).toBeNull();
      },
    );
  }, 120_000);

  it("promotes a clearly better challenger and records the paired test (p < 0.05) with the decision", async () => {
    await againstExisting(
      { algorithm: "tree", hyperparameters: { maxDepth: 3 } },
      { algorithm: "logreg", hyperparameters: { epochs: 3 } },
      async (run, existingId, database) => {
        expect(run).toMatchObject({ decision: "promoted", championBeforeId: existingId });
        const { contingency, champion, challenger, maxP } = run.comparison!;
        expect(champion.id).toBe(existingId);
        expect(challenger.accuracy - champion.accuracy).toBeGreaterThan(0.1);
        expect(contingency.n).toBe(2000);
        expect(contingency.firstOnly).toBeGreaterThan(contingency.secondOnly);
        expect(contingency.pValue).toBeLessThan(maxP);
        expect(run.reason).toMatch(/^promoted: .*; McNemar p = .* < 0\.05 on 2000 images/);
        const [history] = await aliasHistoryOf(database.db);
        expect(history.metrics).toMatchObject({ comparison: { contingency: { pValue: contingency.pValue } } });
      },
    );
  }, 120_000);
});
