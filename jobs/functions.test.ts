import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelVersions, pipelineRuns } from "@/db/schema";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";

/**
 * The Inngest function runs in-process under @inngest/test (a new engine per test), with
 * its steps executing the real pipeline against PostgreSQL and a temporary object store.
 */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let trainPipelineFunction: typeof import("./functions").trainPipelineFunction;

/** Follow-up events are mocked: no Inngest server to send them to here. */
const followUpMocks = () => [{ id: "follow-up-kana/benchmarks.requested", handler: () => ({ ids: ["mocked"] }) }];

const fastHyperparameters = { logreg: { epochs: 2 }, tree: { maxDepth: 4 }, cnn: { epochs: 1, filters: 4, denseUnits: 16, dropout: 0, augment: false } };

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.KMNIST_DIR = KMNIST_TEST_DIR;
  process.env.KMNIST_DOWNLOAD = "never";
  ({ trainPipelineFunction } = await import("./functions"));
});
afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

describe("train-pipeline (Inngest)", () => {
  it("is triggered by kana/train.requested and the daily schedule", () => {
    const config = trainPipelineFunction["opts"] as { triggers?: Array<{ event?: string; cron?: string }> };
    expect(config.triggers).toEqual([{ event: "kana/train.requested" }, { cron: "0 3 * * *" }]);
  });

  it("runs the pipeline step by step on a train request and promotes a champion", async () => {
    const engine = new InngestTestEngine({
      function: trainPipelineFunction,
      steps: followUpMocks(),
      events: [{ name: "kana/train.requested", data: { trigger: "event", actor: "inngest-test", hyperparameters: fastHyperparameters } }],
    });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ status: "succeeded", decision: "promoted", actor: "inngest-test" });
    expect(await database.db.select().from(modelVersions)).toHaveLength(3);
    expect(await database.db.select().from(pipelineRuns)).toHaveLength(1);
  }, 120_000);

  it("runs the named steps in order", async () => {
    const engine = new InngestTestEngine({
      function: trainPipelineFunction,
      steps: followUpMocks(),
      events: [{ name: "kana/train.requested", data: { actor: "inngest-test", algorithms: ["tree"], hyperparameters: fastHyperparameters } }],
    });
    const { ctx, result } = await engine.execute();
    const stepNames = (ctx.step.run as unknown as { mock: { calls: Array<[string]> } }).mock.calls.map(([name]) => name);
    expect(stepNames).toEqual(["start", "prepare-data", "train-tree", "decide"]);
    expect(result).toMatchObject({ status: "succeeded", decision: "kept" });
    // New models are handed to the benchmark engine at once.
    const sent = (ctx.step.sendEvent as unknown as { mock: { calls: Array<[string, { name: string }]> } }).mock.calls;
    expect(sent.map(([, event]) => event.name)).toEqual(["kana/benchmarks.requested"]);
  }, 120_000);

  it("rejects an invalid payload before doing any work", async () => {
    const engine = new InngestTestEngine({
      function: trainPipelineFunction,
      steps: followUpMocks(),
      events: [{ name: "kana/train.requested", data: { algorithms: ["svm"] } }],
    });
    const before = (await database.db.select().from(pipelineRuns)).length;
    const { error } = await engine.execute();
    expect(String((error as Error)?.message ?? error)).toMatch(/algorithms/);
    expect(await database.db.select().from(pipelineRuns)).toHaveLength(before);
  });
});

describe("poll-models (Inngest)", () => {
  it("registers what is in the drop prefix", async () => {
    const { pollModelsFunction } = await import("./functions");
    const { MANIFEST_FILE } = await import("@/lib/ml");
    const { treeArtifact } = await import("@/lib/testing/artifacts");
    const a = treeArtifact("inngest-dropped");

    await store.put("drop/inngest/tree.json", a.files["tree.json"]);
    await store.put(`drop/inngest/${MANIFEST_FILE}`, Buffer.from(JSON.stringify(a.manifest)));
    const engine = new InngestTestEngine({ function: pollModelsFunction, steps: followUpMocks(), events: [{ name: "kana/models.poll", data: {} }] });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ registered: ["inngest"], rejected: [], waiting: [] });
  });
});

describe("benchmarks (Inngest)", () => {
  it("is triggered by kana/benchmarks.requested and every minute, and benchmarks the registered models", async () => {
    const { benchmarkFunction } = await import("./functions");
    const opts = benchmarkFunction["opts"] as { triggers?: Array<{ event?: string; cron?: string }> };
    expect(opts.triggers).toEqual([{ event: "kana/benchmarks.requested" }, { cron: "* * * * *" }]);

    const engine = new InngestTestEngine({ function: benchmarkFunction, events: [{ name: "kana/benchmarks.requested", data: { reason: "test" } }] });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    const { benchmarks } = await import("@/db/schema");
    const rows = await database.db.select().from(benchmarks);
    const trained = (await database.db.select().from(modelVersions)).filter((v) => v.algorithm !== "tree" || v.author !== "tests");
    expect(result).toMatchObject({ plan: { created: rows.length } });
    // Every trained model is benchmarked; the stub tree dropped earlier cannot load and waits for a retry.
    expect(rows.filter((r) => r.status === "done")).toHaveLength(trained.length);
    expect(rows.filter((r) => r.status === "pending" && r.error)).toHaveLength(1);
  }, 180_000);
});
