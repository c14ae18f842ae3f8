import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, benchmarks, datasetTags, datasetVersions, logs, modelExplanations } from "@/db/schema";
import { promote, registerModelVersion, type ModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { AdminEditError, deletePreview, deleteRow, getRow, listAudit, listLogs, listRows, logQuerySchema, tableQuerySchema, updateRow } from ".";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const versions: ModelVersion[] = [];

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  const { db } = database;
  for (const name of ["alpha", "beta", "gamma"])
    versions.push(await registerModelVersion(db, store, { artifact: treeArtifact(name, { manifest: { datasetTag: "holdout" } }) }));
  const [holdout] = await db
    .insert(datasetTags)
    .values([
      { name: "holdout", query: { sources: ["kmnist"] } },
      { name: "train", query: { sources: ["kmnist"] } },
    ])
    .returning();
  const [v1] = await db
    .insert(datasetVersions)
    .values({ tagId: holdout.id, contentHash: "1".repeat(64), protocol: "offline", recordCount: 1, classCounts: [], snapshotKey: "s/1" })
    .returning();
  const [done] = await db
    .insert(benchmarks)
    .values(
      versions.map((v) => ({ modelVersionId: v.id, datasetVersionId: v1.id, trigger: "model_registered" as const, status: "done" as const, accuracy: 0.5 })),
    )
    .returning();
  await db.insert(modelExplanations).values({ modelVersionId: versions[0].id, benchmarkId: done.id, status: "done" });
  await promote(db, versions[1].id, { actor: "tests", reason: "best" });
  await db.insert(logs).values([
    { level: "info", component: "api", message: "served" },
    { level: "warn", component: "api", message: "rejected a bad id", context: { path: "/api/x" } },
    { level: "error", component: "engine", message: "worker crashed" },
  ]);
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

const failure = async (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e as AdminEditError,
  );

describe("row management", () => {
  it("lists rows with paging and search", async () => {
    const page = await listRows(database.db, "model_versions", tableQuerySchema.parse({ pageSize: "2" }));
    expect(page).toMatchObject({ total: 3, pages: 2, page: 1 });
    expect(page.rows.map((r) => r.id)).toEqual([versions[2].id, versions[1].id]);
    const found = await listRows(database.db, "models", tableQuerySchema.parse({ q: "bet" }));
    expect(found.rows.map((r) => r.name)).toEqual(["beta"]);
    expect(tableQuerySchema.safeParse({ q: "a\u0000" }).success).toBe(false);
    expect(tableQuerySchema.safeParse({ sort: "x" }).success).toBe(false);
  });

  it("edits only allowed columns, validated, and audits before and after", async () => {
    const { db } = database;
    const id = versions[0].id;
    const edited = await updateRow(db, "model_versions", id, { author: "  grace ", datasetTag: "train", archived: "false" }, "admin");
    expect(edited).toMatchObject({ author: "grace", datasetTag: "train", archived: false });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, String(id)));
    expect(audit).toMatchObject({
      actor: "admin",
      action: "update",
      entity: "model_versions",
      before: { author: "tests", datasetTag: "holdout", archived: false },
      after: { author: "grace", datasetTag: "train", archived: false },
    });

    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ author: "x", datasetTag: "no-such-tag", archived: "false" }, /no dataset tag is named "no-such-tag"/],
      [{ author: "", datasetTag: "train", archived: "false" }, /author: must not be empty/],
      [{ author: "x", datasetTag: "train", archived: "maybe" }, /archived/],
      [{ author: "x\u0000", datasetTag: "train", archived: "true" }, /NUL/],
      [{ author: "x", datasetTag: "train", archived: "true", manifest: "{}" }, /Unrecognized key.*manifest/],
      [{ author: "x".repeat(201), datasetTag: "train", archived: "true" }, /author/],
    ];
    for (const [fields, message] of cases) {
      const error = await failure(updateRow(db, "model_versions", id, fields, "admin"));
      expect(error).toBeInstanceOf(AdminEditError);
      expect([fields, error!.status, error!.message]).toEqual([fields, 422, expect.stringMatching(message)]);
    }
    expect(await getRow(db, "model_versions", id)).toMatchObject({ author: "grace" });
    expect((await failure(updateRow(db, "benchmarks", 1, {}, "admin")))!.message).toMatch(/cannot be edited/);
    expect((await failure(updateRow(db, "models", 999_999, { description: "x" }, "admin")))!.status).toBe(404);
  });

  it("previews a delete's cascade from the database's own foreign keys", async () => {
    const preview = await deletePreview(database.db, "model_versions", versions[0].id);
    expect(preview).toEqual([
      {
        table: "benchmarks",
        column: "model_version_id",
        rule: "cascade",
        rows: 1,
        dependents: [{ table: "model_explanations", column: "benchmark_id", rule: "cascade", rows: 1, dependents: [] }],
      },
      { table: "model_explanations", column: "model_version_id", rule: "cascade", rows: 1, dependents: [] },
    ]);
  });

  it("refuses a delete that something still refers to, and changes nothing", async () => {
    const error = await failure(deleteRow(database.db, store, "model_versions", versions[1].id, "admin"));
    expect(error).toMatchObject({ status: 409, message: expect.stringMatching(/1 row of model_aliases refer to it/) });
    expect(await getRow(database.db, "model_versions", versions[1].id)).not.toBeNull();
  });

  it("deletes with its cascade and its artifact, and audits the row as it was", async () => {
    const { db } = database;
    const id = versions[0].id;
    expect(await store.list(versions[0].artifactKey)).toHaveLength(2);
    const { deleted } = await deleteRow(db, store, "model_versions", id, "admin");
    expect(deleted.id).toBe(id);
    expect(await store.list(versions[0].artifactKey)).toEqual([]);
    expect(await store.list(versions[1].artifactKey)).toHaveLength(2);
    expect(await getRow(db, "model_versions", id)).toBeNull();
    expect(await db.select().from(benchmarks).where(eq(benchmarks.modelVersionId, id))).toEqual([]);
    const audit = await listAudit(db, { page: 1, pageSize: 10, entity: "model_versions" });
    expect(audit.rows[0]).toMatchObject({ action: "delete", entityId: String(id), after: null, before: { id, author: "grace" } });
    expect((await failure(deleteRow(db, store, "model_versions", id, "admin")))!.status).toBe(404);
  });
});

describe("log viewer", () => {
  it("filters by minimum level, component and text (in message or context)", async () => {
    const list = (q: Record<string, string>) => listLogs(database.db, logQuerySchema.parse(q));
    expect((await list({ level: "warn" })).rows.map((r) => r.message)).toEqual(["worker crashed", "rejected a bad id"]);
    expect((await list({ component: "api" })).total).toBe(2);
    expect((await list({ q: "/api/x" })).rows.map((r) => r.message)).toEqual(["rejected a bad id"]);
    expect((await list({})).components).toEqual(["api", "engine"]);
    expect(logQuerySchema.safeParse({ level: "fatal" }).success).toBe(false);
  });
});
