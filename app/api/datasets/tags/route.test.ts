import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, benchmarks, datasetTags, datasetVersions } from "@/db/schema";
import { planBenchmarks } from "@/lib/benchmark";
import { registerModelVersion, type ModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";
import { sessionCookie } from "@/lib/testing/sessions";

/** The user's dataset tags and what models follow, on PostgreSQL with the real KMNIST files and the real planner. */
const SECRET = "tags-test-secret-tags-test-secret-0123456";
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let tags: typeof import("./route");
let tag: typeof import("./[name]/route");
let follows: typeof import("../../models/versions/[id]/follows/route");
let adminCookie: string;
let models: ModelVersion[];

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  await importTestKmnist(database.db, store);
  models = [];
  for (const name of ["first", "second", "third"]) {
    models.push(await registerModelVersion(database.db, store, { artifact: treeArtifact(name, { manifest: { datasetTag: "kmnist-holdout" } }) }));
  }
  [tags, tag, follows] = await Promise.all([import("./route"), import("./[name]/route"), import("../../models/versions/[id]/follows/route")]);
  adminCookie = await sessionCookie(SECRET, "admin", "ada-admin");
}, 120_000);

afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

const json = (method: string, url: string, body: unknown, cookie: string | null = adminCookie) =>
  new Request(url, {
    method,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
  });
const create = (body: unknown, cookie?: string | null) => tags.POST(json("POST", "http://localhost/api/datasets/tags", body, cookie));
const edit = (name: string, body: unknown, cookie?: string | null) =>
  tag.PATCH(json("PATCH", `http://localhost/api/datasets/tags/${name}`, body, cookie), { params: Promise.resolve({ name }) });
const follow = (id: number | string, body: unknown, cookie?: string | null) =>
  follows.PUT(json("PUT", `http://localhost/api/models/versions/${id}/follows`, body, cookie), { params: Promise.resolve({ id: String(id) }) });

async function benchmarksOn(tagName: string) {
  return database.db
    .select({ model: benchmarks.modelVersionId, version: datasetVersions.id, records: datasetVersions.recordCount })
    .from(benchmarks)
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(eq(datasetTags.name, tagName));
}

describe("dataset tags are the user's", () => {
  it("refuses hostile and wrong requests by name and changes nothing", async () => {
    const good = { name: "fine-tag", query: { sources: ["kmnist"] } };
    const cases: Array<[string, Promise<Response>, number, string, RegExp]> = [
      ["no session", create(good, null), 401, "unauthenticated", /Sign in/],
      ["not an admin", create(good, await sessionCookie(SECRET, "user")), 403, "forbidden", /admin/],
      ["a path as name", create({ ...good, name: "../x" }), 422, "validation_failed", /name/],
      ["upper case", create({ ...good, name: "Hard" }), 422, "validation_failed", /name/],
      ["no sources", create({ name: "t-1", query: { sources: [] } }), 422, "validation_failed", /sources/],
      ["unknown source", create({ name: "t-2", query: { sources: ["nowhere"] } }), 422, "unknown_source", /nowhere/],
      ["class 10", create({ name: "t-3", query: { sources: ["kmnist"], classes: [10] } }), 422, "validation_failed", /classes/],
      ["a class twice", create({ name: "t-4", query: { sources: ["kmnist"], classes: [2, 2] } }), 422, "validation_failed", /each class once/],
      ["a bad date", create({ name: "t-5", query: { sources: ["kmnist"], from: "yesterday" } }), 422, "validation_failed", /from/],
      ["from after to", create({ name: "t-6", query: { sources: ["kmnist"], from: "2026-02-01", to: "2026-01-01" } }), 422, "validation_failed", /after/],
      ["an unknown key", create({ ...good, name: "t-7", owner: "me" }), 422, "validation_failed", /Unrecognized key/],
      ["NUL in the description", create({ ...good, name: "t-8", description: "a\u0000b" }), 422, "validation_failed", /NUL/],
      ["not JSON", create("{nope"), 400, "invalid_json", /JSON/],
      ["a built-in tag", edit("kmnist-holdout", { query: { sources: ["kmnist"] } }), 409, "built_in_tag", /lab's own/],
      ["an unknown tag", edit("no-such-tag", { archived: true }), 404, "not_found", /no-such-tag/],
      ["an empty edit", edit("training", {}), 422, "validation_failed", /nothing to change/],
      ["follow an unknown tag", follow(models[0].id, { tags: ["no-such-tag"] }), 422, "unknown_tag", /no-such-tag/],
      ["follow its own primary", follow(models[0].id, { tags: ["kmnist-holdout"] }), 422, "unknown_tag", /primary/],
      ["follow for no model", follow(999_999, { tags: [] }), 404, "not_found", /999999/],
      ["a tag twice", follow(models[0].id, { tags: ["training", "training"] }), 422, "validation_failed", /each tag once/],
    ];
    for (const [name, response, status, code, message] of cases) {
      const res = await response;
      const body = await res.json();
      expect([name, res.status, body.error?.code], body.error?.message).toEqual([name, status, code]);
      expect(body.error.message, name).toMatch(message);
    }
    expect((await database.db.select().from(datasetTags)).map((t) => t.name).sort()).toEqual(["kmnist-feedback", "kmnist-holdout", "kmnist-train", "training"]);
  });

  it("a tag of three classes, followed by two models as a second tag, is benchmarked once each; editing it makes a new version and new benchmarks", async () => {
    const created = await create({
      name: "hard-classes",
      description: "classes 2, 5 and 8 of the holdout",
      query: { sources: ["kmnist"], split: "holdout", classes: [2, 5, 8] },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: "hard-classes", archived: false, followedByAll: false });
    expect((await create({ name: "hard-classes", query: { sources: ["kmnist"] } })).status).toBe(409);

    for (const model of models.slice(0, 2)) {
      const res = await follow(model.id, { tags: ["hard-classes"] });
      expect(await res.json()).toEqual({ id: model.id, primary: "kmnist-holdout", alsoFollows: ["hard-classes"] });
    }
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, String(models[0].id)));
    expect(audit).toMatchObject({ actor: "ada-admin", before: { alsoFollows: [] }, after: { datasetTag: "kmnist-holdout", alsoFollows: ["hard-classes"] } });

    await planBenchmarks(database.db, store);
    const first = await benchmarksOn("hard-classes");
    expect(first.map((b) => b.model).sort()).toEqual([models[0].id, models[1].id].sort());
    expect(first.every((b) => b.records === 600)).toBe(true);
    // Planning again queues nothing new: once each.
    expect((await planBenchmarks(database.db, store)).created).toBe(0);

    const edited = await edit("hard-classes", { query: { sources: ["kmnist"], split: "holdout", classes: [2, 5] } });
    expect(edited.status).toBe(200);
    await planBenchmarks(database.db, store);
    const after = await benchmarksOn("hard-classes");
    expect(after).toHaveLength(4);
    const newest = after.filter((b) => b.records === 400);
    expect(newest.map((b) => b.model).sort()).toEqual([models[0].id, models[1].id].sort());

    // Archived, it gets no new version or benchmark however its query changes; unfollowed, nothing more either.
    expect((await edit("hard-classes", { archived: true, query: { sources: ["kmnist"], split: "holdout", classes: [2] } })).status).toBe(200);
    expect(await planBenchmarks(database.db, store)).toMatchObject({ created: 0 });
    expect(await benchmarksOn("hard-classes")).toHaveLength(4);
    expect((await follow(models[0].id, { tags: ["hard-classes"] })).status).toBe(422);
    expect(await (await follow(models[0].id, { tags: [] })).json()).toMatchObject({ alsoFollows: [] });

    // Another tag can be made primary (the headline figures follow it); the old primary may stay followed.
    expect(await (await follow(models[1].id, { primary: "training", tags: ["kmnist-holdout"] })).json()).toEqual({
      id: models[1].id,
      primary: "training",
      alsoFollows: ["kmnist-holdout"],
    });
    expect((await follow(models[1].id, { primary: "hard-classes", tags: [] })).status).toBe(422);
    expect((await follow(models[1].id, { primary: "training", tags: ["training"] })).status).toBe(422);
    expect(await (await follow(models[1].id, { primary: "kmnist-holdout", tags: [] })).json()).toMatchObject({ primary: "kmnist-holdout" });
  }, 60_000);
});
