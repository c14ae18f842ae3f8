import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { aliasHistoryOf, aliasTarget, archiveVersion, promote, registerModelVersion, RegistryError, resolveModelRef, rollback, type ModelVersion } from ".";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const versions: ModelVersion[] = [];

const artifact = (name: string, holdoutAccuracy: number) =>
  treeArtifact(name, { tree: { kind: "cart", n: holdoutAccuracy }, manifest: { evaluation: { holdoutAccuracy } } });

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  for (const [name, accuracy] of [
    ["model-a", 0.9],
    ["model-a", 0.8],
    ["model-b", 0.95],
    ["model-b", 0.5],
  ] as const) {
    versions.push(await registerModelVersion(database.db, store, { artifact: artifact(name, accuracy) }));
  }
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

const champion = () => resolveModelRef(database.db, "champion");

describe("aliases", () => {
  it("falls back to the best holdout accuracy before anything is promoted", async () => {
    expect(await aliasTarget(database.db, "champion")).toBeNull();
    expect(await champion()).toMatchObject({ name: "model-b", version: 1 });
  });

  it("promotes, recording history and an audit entry", async () => {
    await promote(database.db, versions[0].id, { actor: "tests", reason: "first champion", metrics: { holdoutAccuracy: 0.9 } });
    expect(await champion()).toMatchObject({ name: "model-a", version: 1 });
    await promote(database.db, versions[2].id, { actor: "pipeline", reason: "beats model-a@1 by 0.05" });
    expect(await champion()).toMatchObject({ name: "model-b", version: 1 });

    const history = await aliasHistoryOf(database.db);
    expect(history.map((h) => [h.action, h.fromVersionId, h.toVersionId, h.actor])).toEqual([
      ["promote", versions[0].id, versions[2].id, "pipeline"],
      ["promote", null, versions[0].id, "tests"],
    ]);
    expect(history[1].metrics).toEqual({ holdoutAccuracy: 0.9 });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, "champion"));
    expect(audit).toHaveLength(2);
    expect(audit.map((a) => a.action)).toEqual(["alias.promote", "alias.promote"]);
  });

  it("rolls back to the previous version, and to a named earlier one", async () => {
    await rollback(database.db, { actor: "tests", reason: "model-b@1 misbehaves in production" });
    expect(await champion()).toMatchObject({ name: "model-a", version: 1 });
    const [latest] = await aliasHistoryOf(database.db);
    expect(latest).toMatchObject({
      action: "rollback",
      fromVersionId: versions[2].id,
      toVersionId: versions[0].id,
      reason: "model-b@1 misbehaves in production",
    });

    await rollback(database.db, { actor: "tests", reason: "back again", toVersionId: versions[2].id });
    expect(await champion()).toMatchObject({ name: "model-b", version: 1 });
  });

  it("refuses moves that make no sense", async () => {
    await expect(promote(database.db, versions[2].id, { actor: "tests", reason: "again" })).rejects.toThrow(/already points at model-b@1/);
    await expect(rollback(database.db, { actor: "tests", reason: "x", toVersionId: versions[3].id })).rejects.toThrow(/never held champion/);
    await expect(rollback(database.db, { alias: "staging", actor: "tests", reason: "x" })).rejects.toThrow(/staging is not set/);
    await expect(promote(database.db, 999_999, { actor: "tests", reason: "x" })).rejects.toBeInstanceOf(RegistryError);
    await expect(promote(database.db, versions[1].id, { alias: "Bad Alias", actor: "tests", reason: "x" })).rejects.toThrow(/not a valid alias/);
  });

  it("archives versions, but not one an alias points at, and never promotes an archived one", async () => {
    await expect(archiveVersion(database.db, versions[2].id, { actor: "tests", reason: "x" })).rejects.toThrow(/is champion; move the alias first/);
    await archiveVersion(database.db, versions[3].id, { actor: "tests", reason: "worse than chance" });
    await expect(promote(database.db, versions[3].id, { actor: "tests", reason: "x" })).rejects.toThrow(/archived/);
  });

  it("supports other aliases and resolves them like champion", async () => {
    await promote(database.db, versions[1].id, { alias: "staging", actor: "tests", reason: "candidate" });
    expect(await resolveModelRef(database.db, "staging")).toMatchObject({ name: "model-a", version: 2 });
  });

  it("applies concurrent promotions one after the other", async () => {
    const racers = [versions[0], versions[1], versions[2]];
    const results = await Promise.allSettled(racers.map((v, i) => promote(database.db, v.id, { alias: "race", actor: `racer-${i}`, reason: "race" })));
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const history = await aliasHistoryOf(database.db, "race");
    expect(history).toHaveLength(3);
    // Each move starts where the one before it ended: no lost update.
    expect(history[0].fromVersionId).toBe(history[1].toVersionId);
    expect(history[1].fromVersionId).toBe(history[2].toVersionId);
    expect(history[2].fromVersionId).toBeNull();
  });
});

describe("registration", () => {
  it("gives concurrent registrations of one model distinct versions, each with its own artifact", async () => {
    const { getArtifact } = await import("@/lib/ml");
    const registered = await Promise.all([0.1, 0.2, 0.3, 0.4].map((a) => registerModelVersion(database.db, store, { artifact: artifact("model-c", a) })));
    expect(registered.map((r) => r.version).sort()).toEqual([1, 2, 3, 4]);
    for (const r of registered) {
      const loaded = await getArtifact(store, r.artifactKey);
      expect(loaded.manifest.weightsSha256).toBe(r.weightsSha256);
    }
  });
});
