import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictions } from "@/db/schema";
import { registerModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPgliteTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { PredictionRecorder } from "./recorder";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let modelVersionId: number;

beforeAll(async () => {
  database = await createPgliteTestDatabase();
  store = await createTempStore();
  modelVersionId = (await registerModelVersion(database.db, store, { artifact: treeArtifact("recorded") })).id;
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

const entry = (predicted = 3) => ({
  modelVersionId,
  input: new Uint8Array(784).fill(7),
  probabilities: Array.from({ length: 10 }, (_, c) => (c === predicted ? 0.91 : 0.01)),
  predicted,
  latencyMs: 2.5,
});

describe("PredictionRecorder", () => {
  it("queues without touching the database, then writes batches", async () => {
    const recorder = new PredictionRecorder(database.db, { sampleRate: 1, flushMs: 60_000, maxBatch: 1000 });
    const ids = Array.from({ length: 20 }, () => recorder.record(entry()));
    expect(new Set(ids).size).toBe(20);
    expect(await database.db.select().from(predictions)).toHaveLength(0);
    await recorder.flush();
    const rows = await database.db.select().from(predictions);
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({ predicted: 3, confidence: 0.91, latencyMs: 2.5, feedbackAt: null });
    expect(rows[0].input).toHaveLength(784);
    expect(recorder.stats).toEqual({ recorded: 20, written: 20, dropped: 0, failed: 0 });
  });

  it("writes by itself once a batch is full or its wait is over", async () => {
    const recorder = new PredictionRecorder(database.db, { sampleRate: 1, flushMs: 20, maxBatch: 5 });
    for (let i = 0; i < 7; i++) recorder.record(entry());
    await new Promise((r) => setTimeout(r, 300));
    expect(recorder.stats.written).toBe(7);
  });

  it("samples at the configured rate", () => {
    let n = 0;
    const recorder = new PredictionRecorder(database.db, { sampleRate: 0.25, flushMs: 60_000, random: () => [0.1, 0.3, 0.6, 0.9][n++ % 4] });
    expect(Array.from({ length: 8 }, () => recorder.record(entry()) !== null)).toEqual([true, false, false, false, true, false, false, false]);
    expect(new PredictionRecorder(database.db, { sampleRate: 0 }).record(entry())).toBeNull();
  });

  it("drops (and counts) entries beyond its queue bound rather than grow without end", () => {
    const recorder = new PredictionRecorder(database.db, { sampleRate: 1, flushMs: 60_000, maxBatch: 1000, maxQueue: 3 });
    const ids = Array.from({ length: 5 }, () => recorder.record(entry()));
    expect(ids.filter(Boolean)).toHaveLength(3);
    expect(recorder.stats.dropped).toBe(2);
  });

  it("a batch the database refuses is counted and dropped, and later batches still go through", async () => {
    const recorder = new PredictionRecorder(database.db, { sampleRate: 1, flushMs: 60_000 });
    recorder.record({ ...entry(), modelVersionId: 999_999 });
    await recorder.flush();
    expect(recorder.stats.failed).toBe(1);
    recorder.record(entry());
    await recorder.flush();
    expect(recorder.stats.written).toBe(1);
  });
});
