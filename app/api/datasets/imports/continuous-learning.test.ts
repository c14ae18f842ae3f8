import { and, eq, inArray } from "drizzle-orm";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasHistory, benchmarks, datasetTags, datasetVersions, jobs, modelVersions, pipelineRuns } from "@/db/schema";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { restyledPng } from "@/lib/testing/images";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * The continuous-learning loop end to end on real parts (PostgreSQL, the real KMNIST files,
 * the embedded job runner with the real job definitions, worker threads): a batch of a
 * handwriting style the models have never seen is imported through the API, and with no
 * manual step the lab benchmarks every model on its holdout, retrains (data trigger), and
 * promotes a model that reads the new style, without losing KMNIST.
 */
const SECRET = "continuous-learning-secret-0123456789abcdef";
const SOURCE = "slanted-thick";
const BATCH = 1500;
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    STORAGE_DIR: store.root,
    AUTH_SECRET: SECRET,
    KMNIST_DIR: KMNIST_TEST_DIR,
    KMNIST_DOWNLOAD: "never",
    JOB_ENGINE: "embedded",
    RETRAIN_MIN_NEW_RECORDS: "1000",
    BENCHMARK_EXPLAIN: "false",
    // Test-sized families: the same loop the defaults run, in a few minutes on two cores.
    PIPELINE_ALGORITHMS: "logreg,cnn",
    PIPELINE_HYPERPARAMETERS: JSON.stringify({ logreg: { epochs: 10 }, cnn: { epochs: 6, filters: 8, denseUnits: 64, strokeRenditions: 0 } }),
    // Such small CNNs swing on kmnist-holdout from run to run (two CI runs of 2026-12-04:
    // -0.40 and -0.80 points after retraining); the default 0.5-point limit would make this
    // test about that noise. What it checks is that the new style carries the promotion.
    PROMOTION_MAX_REGRESSION: "0.015",
  });
}, 60_000);

afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

/** Accuracy of a model version's newest finished benchmark on a tag. */
async function accuracyOn(modelVersionId: number, tag: string): Promise<{ accuracy: number; n: number }> {
  const rows = await database.db
    .select({ metrics: benchmarks.metrics, n: benchmarks.sampleCount, versionId: datasetVersions.id })
    .from(benchmarks)
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(and(eq(benchmarks.modelVersionId, modelVersionId), eq(datasetTags.name, tag), eq(benchmarks.status, "done")));
  const newest = rows.sort((a, b) => b.versionId - a.versionId)[0];
  expect(newest, `a finished benchmark of model version ${modelVersionId} on ${tag}`).toBeDefined();
  return { accuracy: (newest.metrics as { accuracy: number }).accuracy, n: newest.n! };
}

async function waitForIdleJobs(timeoutMs: number) {
  const started = Date.now();
  for (;;) {
    const busy = await database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(inArray(jobs.status, ["pending", "running"]));
    if (busy.length === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`jobs still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("a new handwriting style flows into training", () => {
  it("import → holdout benchmarks → data trigger → retraining → promotion that reads the new style", async () => {
    const { runTrainingPipeline } = await import("@/lib/pipeline");
    const { JOB_DEFINITIONS, EmbeddedRunner } = await import("@/lib/jobs");
    const { getDb } = await import("@/lib/db");
    const { loadSnapshot, resolveTag } = await import("@/lib/data");
    const { aliasTarget } = await import("@/lib/registry");
    const db = database.db;

    // The lab as a first start leaves it: KMNIST imported, a champion trained on `training`.
    const first = await runTrainingPipeline(db, store, { trigger: "cli", actor: "tests" });
    expect(first).toMatchObject({ status: "succeeded", decision: "promoted" });
    const championBefore = (await aliasTarget(db, "champion"))!;

    // 1,500 images of KMNIST's train split, slanted 25° and drawn with much thicker strokes (preprocessing thins thick
    // strokes since #20: at 15° the champion already read 76 % of them).
    const { version: trainSplit } = await resolveTag(db, store, "kmnist-train");
    const source = await loadSnapshot(store, trainSplit);
    const files: Record<string, Uint8Array> = {};
    const lines = ["file,label"];
    for (let k = 0; k < BATCH; k++) {
      files[`batch/${k}.png`] = await restyledPng(source.images.subarray(k * 784, (k + 1) * 784), { slantDegrees: 25, thicken: 5 });
      // Labels as digits and as the hiragana, both accepted.
      lines.push(`${k}.png,${k % 2 ? source.labels[k] : KMNIST_CLASSES[source.labels[k]].char}`);
    }
    const zip = zipSync({ ...files, "batch/labels.csv": Buffer.from(lines.join("\n")) }, { level: 1 });

    const runner = new EmbeddedRunner(await getDb(), { definitions: JOB_DEFINITIONS, concurrency: 1, retryBaseMs: 500, schedules: false, pollMs: 250 });
    await runner.start();
    try {
      const { POST } = await import("./route");
      const form = new FormData();
      form.set("source", SOURCE);
      form.set("file", new Blob([zip]), "batch.zip");
      const response = await POST(
        new Request("http://localhost/api/datasets/imports", { method: "POST", body: form, headers: { cookie: await sessionCookie(SECRET, "admin", "ada") } }),
      );
      expect(response.status).toBe(202);
      await waitForIdleJobs(900_000);
    } finally {
      await runner.stop();
    }

    const finished = await db.select({ name: jobs.name, status: jobs.status, error: jobs.lastError }).from(jobs);
    expect(finished.filter((j) => j.status !== "succeeded")).toEqual([]);
    expect(new Set(finished.map((j) => j.name))).toEqual(new Set(["import-data", "benchmarks", "train-pipeline"]));

    // Every model is benchmarked on the new source's holdout; the training tag got a new version.
    const models = await db.select().from(modelVersions);
    for (const model of models) expect((await accuracyOn(model.id, `${SOURCE}-holdout`)).n).toBeGreaterThan(200);
    const [training] = await db.select().from(datasetTags).where(eq(datasetTags.name, "training"));
    const trainingVersions = await db.select().from(datasetVersions).where(eq(datasetVersions.tagId, training.id));
    expect(trainingVersions).toHaveLength(2);

    // The data trigger started the retraining and the run records it with its numbers.
    const runs = await db.select().from(pipelineRuns).orderBy(pipelineRuns.id);
    expect(runs).toHaveLength(2);
    const retrained = runs[1];
    console.log(`retraining decision: ${retrained.decision}: ${retrained.reason}`);
    expect(retrained).toMatchObject({ trigger: "data", status: "succeeded", decision: "promoted" });
    expect(retrained.triggerDetail).toMatchObject({ newRecords: expect.any(Number), trainingVersionId: retrained.trainVersionId });
    expect(retrained.triggerDetail!.newRecords).toBeGreaterThanOrEqual(1000);
    expect(retrained.sourceComparisons?.map((c) => c.tag)).toEqual([`${SOURCE}-holdout`]);
    const championAfter = (await aliasTarget(db, "champion"))!;
    expect(championAfter).toBe(retrained.championAfterId);
    const [promotion] = await db.select().from(aliasHistory).where(eq(aliasHistory.toVersionId, championAfter));
    expect(promotion.metrics).toMatchObject({ trigger: "data", triggerDetail: { newRecords: retrained.triggerDetail!.newRecords } });

    const style = { before: await accuracyOn(championBefore, `${SOURCE}-holdout`), after: await accuracyOn(championAfter, `${SOURCE}-holdout`) };
    const kmnist = { before: await accuracyOn(championBefore, "kmnist-holdout"), after: await accuracyOn(championAfter, "kmnist-holdout") };
    console.log(
      `new style (${SOURCE}-holdout, n = ${style.after.n}): ${(style.before.accuracy * 100).toFixed(2)}% → ${(style.after.accuracy * 100).toFixed(2)}%; ` +
        `kmnist-holdout (n = ${kmnist.after.n}): ${(kmnist.before.accuracy * 100).toFixed(2)}% → ${(kmnist.after.accuracy * 100).toFixed(2)}%; ` +
        `decision: ${retrained.reason}`,
    );
    expect(style.before.accuracy).toBeLessThan(0.8);
    expect(style.after.accuracy - style.before.accuracy).toBeGreaterThanOrEqual(0.1);
    // In images, exactly (as the decision counts them): at most 0.5 points of the holdout lost.
    const lost = Math.round(kmnist.before.accuracy * kmnist.before.n) - Math.round(kmnist.after.accuracy * kmnist.after.n);
    expect(lost).toBeLessThanOrEqual(0.005 * kmnist.after.n);
  }, 1_200_000);
});
