import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs } from "@/db/schema";
import { createPostgresTestDatabase, type TestDatabase } from "@/lib/testing/database";

let database: TestDatabase;
let route: typeof import("./route");

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.TRAIN_SCHEDULE = "off";
  process.env.MODEL_POLL_SCHEDULE = "off";
  // A stopped runner still accepts jobs but does not run them: the test checks the request side.
  const { embeddedRunner } = await import("@/lib/jobs");
  await (await embeddedRunner()).stop();
  route = await import("./route");
});
afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
});

const post = (body: string, contentType = "application/json") =>
  route.POST(new Request("http://localhost/api/training", { method: "POST", body, headers: { "content-type": contentType } }));

describe("/api/training", () => {
  it("rejects bad requests with 4xx", async () => {
    expect((await post("{nope")).status).toBe(400);
    expect((await post(JSON.stringify({ algorithms: ["svm"] }))).status).toBe(422);
    expect((await post(JSON.stringify({ algorithms: [] }))).status).toBe(422);
    expect((await post(JSON.stringify({ epochs: 1000 }))).status).toBe(422);
    expect(await database.db.select().from(jobs)).toEqual([]);
  });

  it("queues one pipeline and refuses a second while it is queued", async () => {
    const first = await post(JSON.stringify({ algorithms: ["tree"] }));
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: true, engine: "embedded" });
    const queued = await database.db.select().from(jobs);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ name: "train-pipeline", status: "pending", payload: { trigger: "ui", actor: "web", algorithms: ["tree"] } });

    const second = await post("");
    expect(second.status).toBe(409);
    expect((await second.json()).error.code).toBe("training_in_progress");
  });

  it("reports queued work and recent runs", async () => {
    const response = await route.GET(new Request("http://localhost/api/training"));
    const body = await response.json();
    expect(body.queued).toHaveLength(1);
    expect(body.active).toEqual([]);
    expect(body.pipelines).toEqual([]);
  });
});

describe("/api/training with other jobs queued", () => {
  it("is not blocked by jobs other than the pipeline", async () => {
    await database.db.delete(jobs);
    await database.db.insert(jobs).values({ name: "poll-models", payload: {}, maxAttempts: 2 });
    expect((await post("{}")).status).toBe(202);
  });
});

describe("/api/training on a chosen tag version", () => {
  it("queues a run on an earlier version of a tag, and refuses versions that are not the tag's with 422", async () => {
    const { datasetTags, datasetVersions } = await import("@/db/schema");
    await database.db.delete(jobs);
    const [training] = await database.db
      .insert(datasetTags)
      .values({ name: "training", query: { sources: ["kmnist"], split: "train" } })
      .returning();
    const [other] = await database.db
      .insert(datasetTags)
      .values({ name: "elsewhere", query: { sources: ["kmnist"] } })
      .returning();
    const version = (tagId: number, hash: string) => ({
      tagId,
      contentHash: hash,
      protocol: "offline" as const,
      recordCount: 1,
      classCounts: [],
      snapshotKey: `snapshots/${hash}`,
    });
    const [v1] = await database.db.insert(datasetVersions).values(version(training.id, "a1")).returning();
    const [foreign] = await database.db.insert(datasetVersions).values(version(other.id, "b1")).returning();

    const cases: Array<[unknown, string]> = [
      [{ trainingTag: "training", trainingVersionId: foreign.id }, `dataset version ${foreign.id} is not a version of the tag training`],
      [{ trainingTag: "no-such-tag" }, "there is no dataset tag no-such-tag"],
      [{ trainingVersionId: 2_000_000 }, "dataset version 2000000 is not a version of the training tag"],
    ];
    for (const [body, message] of cases) {
      const response = await post(JSON.stringify(body));
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: "unknown_training_version", message } });
    }
    expect((await post(JSON.stringify({ trainingTag: "Bad Tag" }))).status).toBe(422);
    expect(await database.db.select().from(jobs)).toEqual([]);

    // A version alone names its tag.
    const accepted = await post(JSON.stringify({ trainingVersionId: v1.id }));
    expect(accepted.status).toBe(202);
    const [job] = await database.db.select().from(jobs);
    expect(job.payload).toMatchObject({ trigger: "ui", trainingTag: "training", trainingVersionId: v1.id });
  });
});

describe("/api/training with a hyperparameter search", () => {
  it("refuses malformed searches with 422 naming the field, and queues a valid one with its budget in seconds", async () => {
    await database.db.delete(jobs);
    const refused: Array<[unknown, RegExp]> = [
      [{ search: { algorithm: "svm", budgetMinutes: 30 } }, /search\.algorithm/],
      [{ search: { algorithm: "cnn", budgetMinutes: 0 } }, /search\.budgetMinutes/],
      [{ search: { algorithm: "cnn", budgetMinutes: 100_000 } }, /search\.budgetMinutes/],
      [{ search: { algorithm: "cnn", budgetMinutes: "30" } }, /search\.budgetMinutes/],
      [{ search: { algorithm: "cnn" } }, /search\.budgetMinutes/],
      [{ search: { algorithm: "cnn", budgetMinutes: 5, space: { lr: [0, 1] } } }, /search/],
      [{ search: { algorithm: "cnn", budgetMinutes: 5 }, algorithms: ["tree"] }, /either algorithms or search/],
    ];
    for (const [body, message] of refused) {
      const response = await post(JSON.stringify(body));
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(JSON.stringify(await response.json())).toMatch(message);
    }
    expect(await database.db.select().from(jobs)).toEqual([]);

    const accepted = await post(JSON.stringify({ search: { algorithm: "logreg", budgetMinutes: 2.5 } }));
    expect(accepted.status).toBe(202);
    const [job] = await database.db.select().from(jobs);
    expect(job.payload).toMatchObject({ trigger: "ui", search: { algorithm: "logreg", budgetSeconds: 150 } });
  });
});
