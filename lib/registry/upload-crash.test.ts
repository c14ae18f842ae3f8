import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, modelVersions } from "@/db/schema";
import { seedDefaultTags } from "@/lib/data";
import { checkConsistency, repairConsistency } from "@/lib/integrity";
import { spawnTsChild } from "@/lib/testing/child";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";

/**
 * An upload's process is SIGKILLed half-way through writing the weights, and again after
 * the objects are stored but before the row commits. The consistency check finds what each
 * crash left; a restart's repair plus the client's retry leave exactly one version and a
 * store that agrees with the database.
 */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await seedDefaultTags(database.db);
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

function upload(mode = "complete=0"): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawnTsChild("lib/testing/upload-child.ts", [mode], { DATABASE_URL: database.url, STORAGE_DIR: store.root, LOG_LEVEL: "error" });
  return child.exited.then(({ code, signal }) => ({ code, signal, stdout: child.output() }));
}

const kinds = (problems: Array<{ kind: string; key: string }>) =>
  problems.map((p) => `${p.kind} ${p.key.replace(/^\d+-[0-9a-f-]+\.part$/, "<tmp>.part")}`).sort();

describe("an upload killed with SIGKILL", () => {
  it("leaves nothing a restart and a retry do not clean up, and registers the model exactly once", async () => {
    expect(await upload("kill-during-put=1")).toMatchObject({ signal: "SIGKILL" });
    expect(kinds((await checkConsistency(database.db, store)).problems)).toEqual(["partial <tmp>.part"]);
    // What the server does when it starts again.
    expect((await repairConsistency(database.db, store)).removed).toHaveLength(1);

    expect(await upload("kill-after-put=2")).toMatchObject({ signal: "SIGKILL" });
    expect(await database.db.select().from(modelVersions)).toEqual([]);
    expect(kinds((await checkConsistency(database.db, store, { graceMs: 0 })).problems)).toEqual([
      "orphan models/crash-upload/1/manifest.json",
      "orphan models/crash-upload/1/tree.json",
    ]);

    const retried = await upload();
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ version: 1, artifactKey: "models/crash-upload/1" });
    expect(await database.db.select().from(modelVersions)).toHaveLength(1);
    expect(await database.db.select().from(auditLog)).toHaveLength(1);
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
  }, 120_000);

  it("an upload that is never retried leaves orphans the repair removes once they are old, without touching the registered version", async () => {
    expect(await upload("kill-after-put=2")).toMatchObject({ signal: "SIGKILL" });
    const inOneHour = Date.now() + 3_600_000;
    expect(kinds((await checkConsistency(database.db, store, { now: inOneHour })).problems)).toEqual([
      "orphan models/crash-upload/2/manifest.json",
      "orphan models/crash-upload/2/tree.json",
    ]);
    expect((await repairConsistency(database.db, store, { now: inOneHour })).removed).toHaveLength(2);
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
    expect(await store.head("models/crash-upload/1/tree.json")).not.toBeNull();
  }, 60_000);
});
