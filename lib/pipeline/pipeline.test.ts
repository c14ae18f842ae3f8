import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelVersions, trainingRuns } from "@/db/schema";
import { aliasHistoryOf, aliasTarget, promote, rollback } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { decidePromotion, runTrainingPipeline, type PipelineInput } from ".";

describe("decidePromotion", () => {
  const t = { minAbsolute: 0.01, minRelative: 0 };
  it("promotes when there is no champion", () => {
    expect(decidePromotion({ label: "a@1", accuracy: 0.5 }, null, t).promote).toBe(true);
  });
  it("keeps the champion unless the absolute margin is met", () => {
    expect(decidePromotion({ label: "a@2", accuracy: 0.905 }, { label: "a@1", accuracy: 0.9 }, t)).toMatchObject({ promote: false });
    expect(decidePromotion({ label: "a@2", accuracy: 0.91 }, { label: "a@1", accuracy: 0.9 }, t)).toMatchObject({ promote: true });
    expect(decidePromotion({ label: "a@2", accuracy: 0.9 }, { label: "a@1", accuracy: 0.9 }, { minAbsolute: 0, minRelative: 0 }).promote).toBe(false);
  });
  it("applies the relative margin too", () => {
    const relative = { minAbsolute: 0, minRelative: 0.05 };
    expect(decidePromotion({ label: "b", accuracy: 0.84 }, { label: "a", accuracy: 0.8 }, relative).promote).toBe(true);
    expect(decidePromotion({ label: "b", accuracy: 0.839 }, { label: "a", accuracy: 0.8 }, relative).promote).toBe(false);
  });
  it("explains its decision with the numbers", () => {
    expect(decidePromotion({ label: "cnn@2", accuracy: 0.95 }, { label: "cnn@1", accuracy: 0.96 }, t).reason).toBe(
      "champion kept: cnn@2 95.00% vs champion cnn@1 96.00% (gain -1.00 points, needed 1.00)",
    );
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
    expect(run.reason).toMatch(/^champion kept: .* \(gain 0\.00 points, needed 0\.20\)$/);
    expect(run.championBeforeAccuracy).toBeCloseTo(recorded.holdoutAccuracy!, 10);
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
  it("compares with the best model already serving, not only with the alias", async () => {
    const { trainAndRegister } = await import("@/lib/pipeline");
    const { prepareKmnist } = await import("@/lib/data");
    const database = await createPostgresTestDatabase();
    const store = await createTempStore();
    try {
      await prepareKmnist(database.db, store);
      const existing = await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 3 } });
      const run = await runTrainingPipeline(database.db, store, {
        trigger: "event",
        actor: "tests",
        algorithms: ["tree"],
        hyperparameters: { tree: { maxDepth: 3 } },
      });
      expect(run).toMatchObject({ decision: "kept", championBeforeId: existing.modelVersion.id, championAfterId: existing.modelVersion.id });
      expect(run.reason).toMatch(/^champion kept: kmnist-tree@1 .* vs champion kmnist-logreg@1/);
      expect(await aliasTarget(database.db, "champion")).toBeNull();
    } finally {
      await database.cleanup();
      await store.cleanup();
    }
  }, 120_000);
});
