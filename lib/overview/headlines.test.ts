import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictions } from "@/db/schema";
import {
  bestModels,
  closeBenchmarkPool,
  compareModelVersions,
  leaderboardDefaultTag,
  modelEvaluations,
  planBenchmarks,
  runPendingBenchmarks,
  type EngineOptions,
} from "@/lib/benchmark";
import { KMNIST_FILES, parseIdx } from "@/lib/data";
import { ingestFeedback, reviewFeedback, submitFeedback } from "@/lib/monitoring";
import { runTrainingPipeline } from "@/lib/pipeline";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { overview } from ".";

/**
 * #17's acceptance on real parts (PostgreSQL, KMNIST, the pipeline and the benchmark engine):
 * after 1 and then 22 feedback labels, every headline still comes from the 2,000-image holdout,
 * and the feedback figures appear apart, labelled with their n and marked as small samples.
 */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let modelIds: number[];
let images: Uint8Array;
let labels: Uint8Array;
const engine: EngineOptions = { workers: 2, leaseMs: 60_000, maxAttempts: 2, retryBaseMs: 0, explain: false };
const HOLDOUT = "kmnist-holdout";
const FEEDBACK = "kmnist-feedback";

async function benchmarkEverything() {
  await planBenchmarks(database.db, store);
  await runPendingBenchmarks({ db: database.db, store }, engine);
}

/** Feedback (the true label) on `count` more holdout images, as if a person had corrected the champion's answers. */
async function addFeedback(count: number, from: number) {
  const { db } = database;
  const ids: string[] = [];
  for (let k = from; k < from + count; k++) {
    const id = randomUUID();
    const label = labels[k];
    await db.insert(predictions).values({
      id,
      ts: new Date(),
      modelVersionId: modelIds[0],
      input: images.slice(k * 784, (k + 1) * 784),
      probabilities: Array.from({ length: 10 }, (_, c) => (c === label ? 1 : 0)),
      predicted: label,
      confidence: 1,
      latencyMs: 1,
    });
    await submitFeedback(db, null, { predictionId: id, label });
    ids.push(id);
  }
  // Reviewed first: only approved feedback becomes records.
  await reviewFeedback(db, { ids, decision: "approve" }, "tests");
  await ingestFeedback(db, store);
  await benchmarkEverything();
}

beforeAll(async () => {
  process.env.KMNIST_DIR = KMNIST_TEST_DIR;
  process.env.KMNIST_DOWNLOAD = "never";
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
  const run = await runTrainingPipeline(database.db, store, {
    trigger: "event",
    actor: "tests",
    hyperparameters: { logreg: { epochs: 3 }, tree: { maxDepth: 6 }, cnn: { epochs: 1, filters: 4, denseUnits: 32, dropout: 0, augment: false } },
  });
  modelIds = run.candidates!.map((c) => c.modelVersionId);
  await benchmarkEverything();
}, 300_000);

afterAll(async () => {
  await closeBenchmarkPool();
  await database?.cleanup();
  await store?.cleanup();
});

// Reviewed feedback is also a source with its own holdout part (a hash split, a handful of
// images here): its tag is benchmarked too, and must stay apart from the headlines like kmnist-feedback.
const FEEDBACK_HOLDOUT = "feedback-holdout";
const apart = <T extends { tag: string }>(rows: T[]) => rows.filter((r) => r.tag !== FEEDBACK_HOLDOUT);

async function expectHoldoutHeadlines(feedbackImages: number) {
  const { db } = database;
  // Models list: every headline is the holdout benchmark, n = 2,000, with its Wilson interval.
  const models = await searchModelVersions(db, modelVersionQuerySchema.parse({ sort: "accuracy" }));
  expect(models.rows).toHaveLength(3);
  for (const row of models.rows) {
    expect(row.datasetTag).toBe(HOLDOUT);
    expect(row.headline?.accuracy.n).toBe(2000);
    expect(row.headline!.accuracy.interval.low).toBeLessThan(row.headline!.accuracy.value);
    expect(row.headline!.accuracy.interval.high).toBeGreaterThan(row.headline!.accuracy.value);
  }

  // Overview: the champion card headlines the holdout, the feedback figures sit apart with their n.
  const home = await overview(db);
  expect(home.champion?.benchmark).toMatchObject({ tag: HOLDOUT, sampleCount: 2000 });
  expect(home.champion?.benchmark?.intervals).toMatchObject({ n: 2000, accuracy: { method: "wilson" }, macroF1: { method: "bootstrap" } });
  expect(apart(home.champion!.otherTags).map((r) => [r.tag, r.sampleCount])).toEqual([[FEEDBACK, feedbackImages]]);
  for (const r of home.champion!.otherTags.filter((t) => t.tag === FEEDBACK_HOLDOUT)) expect(r.sampleCount).toBeLessThan(feedbackImages);

  // Model page: the same split, and one series per tag.
  const page = await modelEvaluations(db, modelIds[1], HOLDOUT);
  expect(page.primary).toMatchObject({ tag: HOLDOUT, sampleCount: 2000 });
  expect(apart(page.others).map((r) => [r.tag, r.sampleCount])).toEqual([[FEEDBACK, feedbackImages]]);
  expect(apart(page.series).map((s) => [s.tag, s.primary, s.points.length])).toEqual([
    [HOLDOUT, true, 1],
    [FEEDBACK, false, feedbackImages === 1 ? 1 : 2],
  ]);

  // Leaderboard: opens on the holdout, where a leader is crowned; on feedback nobody is.
  expect(await leaderboardDefaultTag(db)).toBe(HOLDOUT);
  const board = await bestModels(db);
  const holdout = board.byTagAndAlgorithm.filter((r) => r.tag === HOLDOUT);
  const feedback = board.byTagAndAlgorithm.filter((r) => r.tag === FEEDBACK);
  expect(holdout.filter((r) => r.standing === "leader")).toHaveLength(1);
  expect(feedback.map((r) => r.standing)).toEqual(["small_sample", "small_sample", "small_sample"]);
  expect(board.byTag.map((r) => r.tag)).toEqual([HOLDOUT]);

  // Compare: defaults to the holdout version, with a paired test for each pair.
  const comparison = await compareModelVersions(db, modelIds);
  expect(comparison).toMatchObject({ tag: HOLDOUT, sameData: true, missing: [] });
  expect(comparison.tags.filter((t) => t !== FEEDBACK_HOLDOUT)).toEqual([FEEDBACK, HOLDOUT]);
  expect(comparison.entries.map((e) => [e.tag, e.sampleCount])).toEqual(modelIds.map(() => [HOLDOUT, 2000]));
  expect(comparison.pairs).toHaveLength(3);
  for (const { a, b, contingency } of comparison.pairs) {
    const [ea, eb] = [comparison.entries.find((e) => e.id === a)!, comparison.entries.find((e) => e.id === b)!];
    // The paired table agrees with the two accuracies: (both + only-a) / n is a's accuracy.
    expect((contingency.bothCorrect + contingency.firstOnly) / 2000).toBeCloseTo(ea.accuracy!, 10);
    expect((contingency.bothCorrect + contingency.secondOnly) / 2000).toBeCloseTo(eb.accuracy!, 10);
  }
  // Asked for the feedback tag, it compares there (and says it is a small sample elsewhere).
  expect((await compareModelVersions(db, modelIds, FEEDBACK)).entries.map((e) => e.sampleCount)).toEqual(modelIds.map(() => feedbackImages));
}

describe("headline figures with feedback in the data (PostgreSQL, real KMNIST, the benchmark engine)", () => {
  it("after one feedback label, every headline is still the holdout's", async () => {
    await addFeedback(1, 0);
    await expectHoldoutHeadlines(1);
  }, 120_000);

  it("after 22 feedback labels too", async () => {
    await addFeedback(21, 1);
    await expectHoldoutHeadlines(22);
  }, 120_000);
});
