import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, datasetTags, datasetVersions, modelExplanations } from "@/db/schema";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { archiveVersion, getModelVersion, modelVersionQuerySchema, promote, registerModelVersion, searchModelVersions, type ModelVersion } from ".";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const versions: ModelVersion[] = [];
let v2Id = () => 0;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  // Before anything reads the configuration: the artifact route opens the app's database and store.
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  const { db } = database;
  for (const [name, author, algorithm] of [
    ["alpha", "ada", "tree"],
    ["beta", "bob", "cnn"],
    ["gamma", "ada", "logreg"],
    ["gamma", "ada", "logreg"],
  ]) {
    versions.push(await registerModelVersion(db, store, { artifact: treeArtifact(name, { manifest: { author, algorithm, datasetTag: "t" } }) }));
  }
  // Benchmarks as the engine records them (this tests the query, not the engine).
  const [tag, feedback] = await db
    .insert(datasetTags)
    .values([
      { name: "t", query: { sources: ["kmnist"] } },
      { name: "feedback", query: { sources: ["feedback"] } },
    ])
    .returning();
  const [v1, v2, f1] = await db
    .insert(datasetVersions)
    .values(
      [1, 2, 3].map((n) => ({
        tagId: n === 3 ? feedback.id : tag.id,
        contentHash: String(n).repeat(64),
        protocol: "offline" as const,
        recordCount: 1,
        classCounts: [],
        snapshotKey: `s/${n}`,
      })),
    )
    .returning();
  v2Id = () => v2.id;
  const [done] = await db
    .insert(benchmarks)
    .values([
      { modelVersionId: versions[0].id, datasetVersionId: v1.id, trigger: "model_registered", status: "done", accuracy: 0.5, sampleCount: 2000 },
      { modelVersionId: versions[0].id, datasetVersionId: v2.id, trigger: "dataset_version", status: "done", accuracy: 0.7, sampleCount: 2000 },
      { modelVersionId: versions[1].id, datasetVersionId: v1.id, trigger: "model_registered", status: "done", accuracy: 0.9, sampleCount: 2000 },
      // One feedback image, answered right: 100 %, and never the headline (it is not the primary tag).
      { modelVersionId: versions[0].id, datasetVersionId: f1.id, trigger: "dataset_version", status: "done", accuracy: 1, sampleCount: 1 },
      { modelVersionId: versions[2].id, datasetVersionId: v1.id, trigger: "model_registered", status: "failed" },
    ])
    .returning();
  await db.insert(modelExplanations).values({ modelVersionId: versions[0].id, benchmarkId: done.id, status: "done" });
  await promote(db, versions[1].id, { actor: "tests", reason: "best" });
  await archiveVersion(db, versions[3].id, { actor: "tests", reason: "superseded" });
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

const search = (query: Record<string, string> = {}) => searchModelVersions(database.db, modelVersionQuerySchema.parse(query));

describe("searchModelVersions", () => {
  it("lists non-archived versions with the primary tag's newest accuracy (n, interval), latest benchmark and explanation status, aliases", async () => {
    const page = await search({ sort: "accuracy", order: "desc" });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => [r.name, r.headline?.accuracy.value ?? null, r.explanationStatus, r.aliases, r.benchmarks])).toEqual([
      ["beta", 0.9, null, ["champion"], 1],
      ["alpha", 0.7, "done", [], 3],
      ["gamma", null, null, [], 1],
    ]);
    const alpha = page.rows[1].headline!;
    expect(alpha).toMatchObject({ datasetVersionId: v2Id(), accuracy: { n: 2000, interval: { method: "wilson" } } });
    expect(alpha.accuracy.interval.low).toBeCloseTo(0.679549, 5);
    expect(alpha.accuracy.interval.high).toBeCloseTo(0.719685, 5);
  });

  it("filters, searches, pages and shows archived versions on request", async () => {
    expect((await search({ algorithm: "logreg" })).rows.map((r) => r.version)).toEqual([1]);
    expect((await search({ archived: "include", algorithm: "logreg", sort: "created", order: "asc" })).rows.map((r) => r.version)).toEqual([1, 2]);
    expect((await search({ archived: "only" })).rows.map((r) => r.archived)).toEqual([true]);
    expect((await search({ q: "ADA" })).total).toBe(2);
    expect((await search({ q: "%" })).total).toBe(0);
    const second = await search({ sort: "name", order: "asc", pageSize: "2", page: "2" });
    expect(second).toMatchObject({ total: 3, pages: 2 });
    expect(second.rows.map((r) => r.name)).toEqual(["gamma"]);
  });

  it("rejects hostile parameters", () => {
    for (const bad of [{ sort: "1;drop" }, { pageSize: "0" }, { q: "\u0000" }, { archived: "yes" }, { extra: "1" }]) {
      expect(modelVersionQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("gets one version with the aliases pointing at it", async () => {
    expect(await getModelVersion(database.db, versions[1].id)).toMatchObject({ name: "beta", version: 1, aliases: ["champion"] });
    expect(await getModelVersion(database.db, 999_999)).toBeNull();
  });
});

describe("GET /api/models/versions/:id/artifact", () => {
  it("sends a verified zip, and refuses bad or unknown ids", async () => {
    const { GET } = await import("@/app/api/models/versions/[id]/artifact/route");
    const call = (id: string) => GET(new Request("http://localhost/x"), { params: Promise.resolve({ id }) });
    const response = await call(String(versions[0].id));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="alpha-1.zip"');
    const { artifactFromZip } = await import("@/lib/ml");
    expect(artifactFromZip(new Uint8Array(await response.arrayBuffer())).manifest).toMatchObject({ name: "alpha", version: 1 });
    expect((await call("abc")).status).toBe(400);
    expect((await call("999999")).status).toBe(404);
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
  });
});
