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
      events: [{ name: "kana/train.requested", data: { actor: "inngest-test", algorithms: ["tree"], hyperparameters: fastHyperparameters } }],
    });
    const { ctx, result } = await engine.execute();
    const stepNames = (ctx.step.run as unknown as { mock: { calls: Array<[string]> } }).mock.calls.map(([name]) => name);
    expect(stepNames).toEqual(["start", "prepare-data", "train-tree", "decide"]);
    expect(result).toMatchObject({ status: "succeeded", decision: "kept" });
  }, 120_000);

  it("rejects an invalid payload before doing any work", async () => {
    const engine = new InngestTestEngine({
      function: trainPipelineFunction,
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
    const { MANIFEST_FILE } = await import("@/lib/ml/artifact");
    const { treeArtifact } = await import("@/lib/testing/artifacts");
    const a = treeArtifact("inngest-dropped");

    await store.put("drop/inngest/tree.json", a.files["tree.json"]);
    await store.put(`drop/inngest/${MANIFEST_FILE}`, Buffer.from(JSON.stringify(a.manifest)));
    const engine = new InngestTestEngine({ function: pollModelsFunction, events: [{ name: "kana/models.poll", data: {} }] });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ registered: ["inngest"], rejected: [], waiting: [] });
  });
});
