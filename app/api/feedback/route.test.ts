import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, datasetRecords, datasetSources, datasetTags, datasetVersions, driftReports, jobs, logs, modelVersions, predictions } from "@/db/schema";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * The monitoring loop end to end on real parts: models trained on KMNIST, predictions
 * through the real predict route (logged by the recorder), feedback through the feedback
 * route, the monitoring job, and the benchmark engine.
 */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let predict: typeof import("../predict/route");
let feedback: typeof import("./route");
let images: Uint8Array;
let labels: Uint8Array;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  adminCookie = await sessionCookie(SECRET, "admin", "ada-admin");
  const { getDb } = await import("@/lib/db");
  const { KMNIST_FILES, parseIdx } = await import("@/lib/data");
  const { trainAndRegister } = await import("@/lib/pipeline");
  const { objectStore } = await import("@/lib/storage");
  const db = await getDb();
  await importTestKmnist(db, objectStore());
  await trainAndRegister(db, objectStore(), { algorithm: "logreg", hyperparameters: { epochs: 4 } });
  await trainAndRegister(db, objectStore(), { algorithm: "tree", hyperparameters: { maxDepth: 6 } });
  images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
  [predict, feedback] = await Promise.all([import("../predict/route"), import("./route")]);
}, 180_000);

afterAll(async () => {
  const { closeBenchmarkPool } = await import("@/lib/benchmark");
  await closeBenchmarkPool();
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

const image = (k: number) => images.subarray(k * 784, (k + 1) * 784);
const postJson = (handler: (r: Request) => Promise<Response>, url: string, body: unknown) =>
  handler(new Request(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }));
const predictImage = async (k: number) => (await postJson(predict.POST, "http://localhost/api/predict", { pixels: Array.from(image(k)) })).json();
const sendFeedback = (body: unknown) => postJson(feedback.POST, "http://localhost/api/feedback", body);

const SECRET = "feedback-test-secret-feedback-test-secret-01";
let adminCookie: string;
async function reviewDecision(body: unknown, cookie: string | null = adminCookie) {
  const { POST } = await import("../admin/feedback/review/route");
  const response = await POST(
    new Request("http://localhost/api/admin/feedback/review", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    }),
  );
  return { status: response.status, body: await response.json() };
}
async function reviewList(search: string) {
  const { GET } = await import("../admin/feedback/route");
  return (await GET(new Request(`http://localhost/api/admin/feedback${search}`))).json();
}

describe("prediction log and feedback", () => {
  it("records each prediction with its input, answer and latency, and hands out its id", async () => {
    const answer = await predictImage(0);
    expect(answer.predictionId).toMatch(/^[0-9a-f-]{36}$/);
    const { predictionRecorder } = await import("@/lib/monitoring");
    await predictionRecorder(database.db).flush();
    const [row] = await database.db.select().from(predictions).where(eq(predictions.id, answer.predictionId));
    expect(row).toMatchObject({ predicted: answer.label, confidence: answer.probabilities[0].p });
    expect(row.latencyMs).toBeGreaterThan(0);
    expect(Buffer.from(row.input).equals(Buffer.from(image(0)))).toBe(true);
  });

  it("refuses hostile feedback with clear 4xx errors and changes nothing", async () => {
    const answer = await predictImage(1);
    const cases: Array<[unknown, number, RegExp]> = [
      ["{not json", 400, /not valid JSON/],
      [{}, 422, /predictionId/],
      [{ predictionId: "not-a-uuid", label: 1 }, 422, /predictionId: must be the predictionId/],
      [{ predictionId: answer.predictionId }, 422, /exactly one of "label"/],
      [{ predictionId: answer.predictionId, label: 2, correct: true }, 422, /exactly one/],
      [{ predictionId: answer.predictionId, label: 10 }, 422, /label/],
      [{ predictionId: answer.predictionId, label: -1 }, 422, /label/],
      [{ predictionId: answer.predictionId, label: 1.5 }, 422, /label/],
      [{ predictionId: answer.predictionId, correct: false }, 422, /correct/],
      [{ predictionId: answer.predictionId, noneOfThese: false }, 422, /noneOfThese/],
      [{ predictionId: answer.predictionId, noneOfThese: true, label: 1 }, 422, /exactly one/],
      [{ predictionId: answer.predictionId, label: 1, extra: "x" }, 422, /Unrecognized key/],
      [{ predictionId: "00000000-0000-4000-8000-000000000000", label: 1 }, 404, /No recorded prediction/],
      [{ predictionId: answer.predictionId, label: 1, pad: "x".repeat(5000) }, 413, /limit/],
    ];
    for (const [body, status, message] of cases) {
      const response = await sendFeedback(body);
      expect([body, response.status, (await response.json()).error?.message]).toEqual([body, status, expect.stringMatching(message)]);
    }
    const [row] = await database.db.select().from(predictions).where(eq(predictions.id, answer.predictionId));
    expect(row.feedbackAt).toBeNull();

    expect((await sendFeedback({ predictionId: answer.predictionId, correct: true })).status).toBe(201);
    // The review endpoints refuse hostile input by name and change nothing.
    const reviewCases: Array<[unknown, string | null, number, RegExp]> = [
      [{ ids: [answer.predictionId], decision: "approve" }, null, 401, /Sign in/],
      [{ ids: [answer.predictionId], decision: "approve" }, await sessionCookie(SECRET, "user"), 403, /admin/],
      [{ ids: [], decision: "approve" }, adminCookie, 422, /ids/],
      [{ ids: ["nope"], decision: "approve" }, adminCookie, 422, /predictionId/],
      [{ ids: [answer.predictionId], decision: "maybe" }, adminCookie, 422, /decision/],
      [{ ids: Array.from({ length: 501 }, () => answer.predictionId), decision: "reject" }, adminCookie, 422, /ids/],
      [{ ids: [answer.predictionId], decision: "approve", extra: 1 }, adminCookie, 422, /Unrecognized key/],
    ];
    for (const [body, cookie, status, message] of reviewCases) {
      const { status: got, body: answerBody } = await reviewDecision(body, cookie);
      expect([body, got, answerBody.error?.message]).toEqual([body, status, expect.stringMatching(message)]);
    }
    for (const bad of ["?status=all", "?label=10", "?minConfidence=2", "?pageSize=5000", "?extra=1"]) {
      const { GET } = await import("../admin/feedback/route");
      expect((await GET(new Request(`http://localhost/api/admin/feedback${bad}`))).status, bad).toBe(422);
    }
    const [pending] = await database.db.select().from(predictions).where(eq(predictions.id, answer.predictionId));
    expect(pending.reviewStatus).toBe("pending");
    const again = await sendFeedback({ predictionId: answer.predictionId, label: 3 });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("feedback_exists");
  });

  it("50 corrections wait for review; 40 approved make a new feedback dataset version, every model is benchmarked on it, the 10 rejected reach no tag", async () => {
    const { db } = database;
    const { monitoringJob } = await import("@/lib/jobs");
    const { directSteps } = await import("@/lib/jobs");
    const { benchmarkSweep, engineOptions, listBenchmarks, benchmarkQuerySchema } = await import("@/lib/benchmark");
    const { objectStore } = await import("@/lib/storage");
    // The confirmation from the previous test waits for review; nothing is ingested before it is approved.
    expect(((await monitoringJob.run({}, directSteps)) as { feedback: { records: number } }).feedback.records).toBe(0);
    const [waiting] = await db.select({ id: predictions.id }).from(predictions).where(eq(predictions.reviewStatus, "pending"));
    expect(await reviewDecision({ ids: [waiting.id], decision: "approve" })).toMatchObject({ status: 200, body: { changed: 1, unchanged: 0 } });
    expect(((await monitoringJob.run({}, directSteps)) as { feedback: { records: number } }).feedback.records).toBe(1);

    const ids: string[] = [];
    for (let k = 100; ids.length < 50; k++) {
      const answer = await predictImage(k);
      if (answer.label === labels[k]) continue;
      const response = await sendFeedback({ predictionId: answer.predictionId, label: labels[k] });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ kind: "corrected", label: labels[k], review: "pending" });
      ids.push(answer.predictionId);
    }
    // The queue shows them as the model saw them, filterable; 40 are approved in bulk, 10 rejected.
    const queue = await reviewList("?status=pending&pageSize=100");
    expect(queue.total).toBe(50);
    expect(queue.counts).toEqual({ pending: 50, approved: 1, rejected: 0 });
    expect(queue.rows[0].png).toMatch(/^data:image\/png;base64,/);
    const byClass = await reviewList(`?status=pending&label=${labels[100]}`);
    expect(byClass.rows.every((r: { label: number }) => r.label === labels[100])).toBe(true);
    expect(await reviewDecision({ ids: ids.slice(0, 40), decision: "approve" })).toMatchObject({ status: 200, body: { changed: 40 } });
    expect(await reviewDecision({ ids: ids.slice(40), decision: "reject" })).toMatchObject({ status: 200, body: { changed: 10 } });
    expect((await reviewList("?status=rejected")).counts).toEqual({ pending: 0, approved: 41, rejected: 10 });
    // Each feedback asked for the monitoring job; queued requests fold into one job.
    const queued = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.name, "monitoring"), eq(jobs.status, "pending")));
    expect(queued).toHaveLength(1);

    const result = (await monitoringJob.run({}, directSteps)) as { feedback: { records: number } };
    // 40 records, about 32 of them in the training tag: fewer than RETRAIN_MIN_NEW_RECORDS (500), no retraining.
    expect(result).toMatchObject({ feedback: { records: 40 }, retrain: null });
    // The rejected answers became no record; ingested ones can no longer be rejected.
    const rejected = await db.select().from(predictions).where(eq(predictions.reviewStatus, "rejected"));
    expect(rejected.map((r) => r.feedbackBatchId)).toEqual(new Array(10).fill(null));
    expect(await reviewDecision({ ids: ids.slice(0, 2), decision: "reject" })).toMatchObject({ body: { changed: 0, unchanged: 2 } });
    expect(monitoringJob.followUps!(result)).toEqual([{ name: "kana/benchmarks.requested", data: { reason: "feedback" } }]);
    const request = { trigger: "data", actor: "feedback", triggerDetail: { reason: "600 new training records", newRecords: 600 } };
    expect(monitoringJob.followUps!({ ...result, retrain: request })).toContainEqual({ name: "kana/train.requested", data: request });

    await benchmarkSweep({ db, store: objectStore() }, engineOptions({ workers: 1, explain: false }));
    const [tag] = await db.select().from(datasetTags).where(eq(datasetTags.name, "kmnist-feedback"));
    const versions = await db.select().from(datasetVersions).where(eq(datasetVersions.tagId, tag.id));
    const newest = versions.sort((a, b) => b.id - a.id)[0];
    expect(newest.recordCount).toBe(41);
    // Split by hash into the feedback source's train and holdout parts.
    const splits = await db
      .select({ split: datasetRecords.offlineSplit, n: sql<number>`count(*)::int` })
      .from(datasetRecords)
      .innerJoin(datasetSources, eq(datasetSources.id, datasetRecords.sourceId))
      .where(eq(datasetSources.name, "feedback"))
      .groupBy(datasetRecords.offlineSplit);
    expect(splits.reduce((a, s) => a + s.n, 0)).toBe(41);
    expect(splits.every((s) => s.split === "train" || s.split === "holdout")).toBe(true);
    const live = await db.select({ id: modelVersions.id }).from(modelVersions).where(eq(modelVersions.archived, false));
    const onFeedback = await db.select().from(benchmarks).where(eq(benchmarks.datasetVersionId, newest.id));
    expect(onFeedback.map((b) => b.modelVersionId).sort()).toEqual(live.map((v) => v.id).sort());
    expect(onFeedback.every((b) => b.status === "done")).toBe(true);
    // Visible to the dashboards: the benchmark list filtered by the feedback tag.
    const listed = await listBenchmarks(db, benchmarkQuerySchema.parse({ tag: "kmnist-feedback", datasetVersionId: String(newest.id) }));
    expect(listed.total).toBe(live.length);
  });

  it('"none of these" is kept as a negative: reviewed like any answer, never a label or a record', async () => {
    const { db } = database;
    const { monitoringJob, directSteps } = await import("@/lib/jobs");
    const { monitoringSummary } = await import("@/lib/monitoring");
    const ids: string[] = [];
    for (let k = 300; k < 305; k++) {
      const answer = await predictImage(k);
      const response = await sendFeedback({ predictionId: answer.predictionId, noneOfThese: true });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ kind: "none", label: null, review: "pending" });
      ids.push(answer.predictionId);
    }
    const queue = await reviewList("?status=pending&pageSize=100");
    expect(queue.rows.filter((r: { kind: string; label: number | null }) => r.kind === "none" && r.label === null)).toHaveLength(5);
    expect(await reviewDecision({ ids, decision: "approve" })).toMatchObject({ status: 200, body: { changed: 5 } });
    const [{ records }] = await db.select({ records: sql<number>`count(*)::int` }).from(datasetRecords);
    expect(((await monitoringJob.run({}, directSteps)) as { feedback: { records: number } }).feedback.records).toBe(0);
    expect((await db.select({ records: sql<number>`count(*)::int` }).from(datasetRecords))[0].records).toBe(records);
    const kept = await db.select().from(predictions).where(inArray(predictions.id, ids));
    expect(kept.map((p) => [p.feedbackKind, p.feedbackLabel, p.feedbackBatchId, p.reviewStatus])).toEqual(new Array(5).fill(["none", null, null, "approved"]));
    const summary = await monitoringSummary(db);
    expect(summary.totals).toMatchObject({ noneOfThese: 5, pendingFeedback: 0 });
  });
});

describe("drift check on logged inputs", () => {
  it("unshifted holdout inputs are stable; thicker strokes raise a drift warning", async () => {
    const { db } = database;
    const { checkDrift, predictionRecorder, DEFAULT_DRIFT_THRESHOLDS } = await import("@/lib/monitoring");
    const { resolveModelRef } = await import("@/lib/registry");
    const { objectStore } = await import("@/lib/storage");
    const champion = await resolveModelRef(db);
    const recorder = predictionRecorder(db);
    const options = { minWindow: 300, maxWindow: 1000, thresholds: DEFAULT_DRIFT_THRESHOLDS };
    // Everything logged so far belongs to the earlier tests: start after it.
    await recorder.flush();
    await checkDrift(db, objectStore(), { ...options, minWindow: 1 });

    const log = (input: Uint8Array, k: number) =>
      recorder.record({
        modelVersionId: champion.id,
        input,
        probabilities: Array.from({ length: 10 }, (_, c) => (c === labels[k] ? 0.9 : 0.01)),
        predicted: labels[k],
        latencyMs: 1,
      });
    for (let k = 2000; k < 2300; k++) log(image(k), k);
    await recorder.flush();
    const stable = await checkDrift(db, objectStore(), options);
    expect(stable).toMatchObject({ status: "checked", report: { sampleCount: 300, level: "stable" } });

    const thicken = (src: Uint8Array) => {
      const out = new Uint8Array(src);
      for (let i = 0; i < 784; i++) out[i] = Math.max(src[i], i % 28 > 0 ? src[i - 1] : 0, i >= 28 ? src[i - 28] : 0);
      return out;
    };
    for (let k = 3000; k < 3300; k++) log(thicken(image(k)), k);
    await recorder.flush();
    // The monitoring job checks the window, and the drift alert requests a retraining (trigger "drift").
    const { monitoringJob, directSteps } = await import("@/lib/jobs");
    const monitored = (await monitoringJob.run({}, directSteps)) as { drift: { status: string; level: string; reportId: number } };
    expect(monitored).toMatchObject({
      drift: { status: "checked", level: "drift" },
      retrain: { trigger: "drift", triggerDetail: { driftReportId: monitored.drift.reportId } },
    });
    expect(monitoringJob.followUps!(monitored)).toContainEqual({ name: "kana/train.requested", data: expect.objectContaining({ trigger: "drift" }) });
    const [drifted] = await db.select().from(driftReports).where(eq(driftReports.id, monitored.drift.reportId));
    expect(drifted).toMatchObject({ sampleCount: 300, level: "drift" });
    const { flushLogs } = await import("@/lib/log");
    await flushLogs();
    const warnings = await db
      .select()
      .from(logs)
      .where(and(eq(logs.component, "monitoring.drift"), eq(logs.level, "warn")));
    expect(warnings.at(-1)?.message).toMatch(/input drift on .*Ink mass/);
    expect(await checkDrift(db, objectStore(), options)).toMatchObject({ status: "skipped", reason: /not enough data: waiting for inputs, 0 of 300/ });
    expect(await db.select().from(driftReports)).toHaveLength(3);
  });

  it("the monitoring page's summary reflects the log, the feedback and the checks", async () => {
    const { monitoringSummary } = await import("@/lib/monitoring");
    const summary = await monitoringSummary(database.db);
    // 51 answers with a label and 5 "none of these".
    expect(summary.totals.feedback).toBe(56);
    expect(summary.totals.pendingFeedback).toBe(0);
    expect(summary.totals.noneOfThese).toBe(5);
    expect(summary.totals).toMatchObject({ awaitingReview: 0, rejectedFeedback: 10 });
    expect(summary.totals.predictions).toBeGreaterThanOrEqual(650);
    expect(summary.volume.reduce((n, v) => n + v.count, 0)).toBe(summary.totals.predictions);
    expect(summary.drift.map((d) => d.level).slice(1)).toEqual(["stable", "drift"]);
    const [day] = summary.feedback;
    expect(day).toMatchObject({ confirmed: 1, corrected: 50 });
    expect(day.accuracy).toBeCloseTo(1 / 51, 12);
    expect(summary.trainingCounts).toHaveLength(10);
    expect(summary.predictedCounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
