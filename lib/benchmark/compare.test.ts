import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarks, datasetTags, datasetVersions } from "@/db/schema";
import { registerModelVersion, type ModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { compareModelVersions } from "./compare";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let a: ModelVersion, b: ModelVersion, c: ModelVersion, d: ModelVersion, e: ModelVersion;
let older: number, newer: number, other: number;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  const { db } = database;
  [a, b, c, d, e] = await Promise.all(
    ["a", "b", "c", "d", "e"].map((name) =>
      registerModelVersion(db, store, { artifact: treeArtifact(name, { manifest: { datasetTag: name === "e" ? "side" : "main" } }) }),
    ),
  );
  const tags = await db
    .insert(datasetTags)
    .values([
      { name: "main", query: { sources: ["kmnist"] } },
      { name: "side", query: { sources: ["x"] } },
    ])
    .returning();
  const version = (tagId: number, n: number, daysAgo: number) => ({
    tagId,
    contentHash: String(n).repeat(64),
    protocol: "offline" as const,
    recordCount: 1,
    classCounts: [],
    snapshotKey: `s/${n}`,
    createdAt: new Date(Date.now() - daysAgo * 86_400_000),
  });
  [older, newer, other] = (
    await db
      .insert(datasetVersions)
      .values([version(tags[0].id, 1, 2), version(tags[0].id, 2, 1), version(tags[1].id, 3, 0)])
      .returning()
  ).map((v) => v.id);
  // Hand-written rows: this tests which benchmarks are paired, not how they were measured.
  const done = (modelVersionId: number, datasetVersionId: number, accuracy: number) => ({
    modelVersionId,
    datasetVersionId,
    trigger: "test",
    status: "done" as const,
    accuracy,
  });
  await db
    .insert(benchmarks)
    .values([
      done(a.id, older, 0.5),
      done(a.id, newer, 0.6),
      done(b.id, older, 0.7),
      done(b.id, newer, 0.8),
      done(c.id, older, 0.9),
      done(c.id, other, 0.95),
      done(e.id, other, 0.4),
    ]);
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

describe("compareModelVersions", () => {
  it("uses the newest dataset version every model was benchmarked on", async () => {
    const both = await compareModelVersions(database.db, [a.id, b.id]);
    expect(both).toMatchObject({ sameData: true, missing: [], tag: "main", tags: ["main"] });
    expect(both.entries.map((e) => [e.model, e.datasetVersionId, e.accuracy])).toEqual([
      ["a", newer, 0.6],
      ["b", newer, 0.8],
    ]);
    // c was never benchmarked on the newer version: the shared one is the older.
    expect((await compareModelVersions(database.db, [a.id, b.id, c.id])).entries.map((e) => e.datasetVersionId)).toEqual([older, older, older]);
  });

  it("falls back to each model's newest benchmark, flagged, when they share no data", async () => {
    const result = await compareModelVersions(database.db, [c.id, a.id], "side");
    expect(result.entries.map((e) => e.model)).toEqual(["c"]);
    expect(result.missing).toEqual([a.id]);
    // Different primary tags: each on its own, flagged.
    const apart = await compareModelVersions(database.db, [a.id, e.id]);
    expect(apart).toMatchObject({ sameData: false, tag: null, pairs: [] });
    expect(apart.entries.map((x) => [x.model, x.datasetVersionId])).toEqual([
      ["a", newer],
      ["e", other],
    ]);
  });

  it("defaults to the primary tag even where another tag holds a newer shared version", async () => {
    // c's newest benchmark is on "side" (newest of all); its primary tag "main" wins.
    const result = await compareModelVersions(database.db, [a.id, c.id]);
    expect(result.tag).toBe("main");
    expect(result.entries.map((x) => x.datasetVersionId)).toEqual([older, older]);
  });

  it("reports versions with no benchmark and ignores duplicates", async () => {
    const result = await compareModelVersions(database.db, [d.id, a.id, a.id, 999_999]);
    expect(result.entries.map((e) => e.model)).toEqual(["a"]);
    expect(result.missing).toEqual([d.id, 999_999]);
  });
});
