import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRecords, resolveTag, seedDefaultTags } from "@/lib/data";
import { registerModelVersion } from "@/lib/registry";
import { ONE_LEAF_TREE, treeArtifact } from "@/lib/testing/artifacts";
import { createPgliteTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { checkConsistency, repairConsistency } from "./index";

let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createPgliteTestDatabase();
  store = await createTempStore();
  await seedDefaultTags(database.db);
  await appendRecords(database.db, store, { source: "feedback", images: new Uint8Array(3 * 784).fill(7), labels: Uint8Array.from([1, 2, 3]) });
  await resolveTag(database.db, store, "kmnist-feedback");
  await registerModelVersion(database.db, store, { artifact: treeArtifact("tree-a", { tree: ONE_LEAF_TREE }) });
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

/** A pid that is certainly not running: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();

describe("the DB ↔ object store consistency check", () => {
  it("finds nothing wrong after normal writes", async () => {
    const report = await checkConsistency(database.db, store, { deep: true, graceMs: 0 });
    expect(report.problems).toEqual([]);
    // A model version, a dataset version and three records; manifest + weights, a snapshot, an image blob.
    expect(report).toMatchObject({ checkedRows: 5, checkedObjects: 4, inFlight: 0 });
  });

  it("tells orphans and dead partial writes from writes in progress, and repair removes only those", async () => {
    await store.put("models/tree-a/2/tree.json", Buffer.from("{}"));
    await fs.writeFile(path.join(store.root, "tmp", `${deadPid()}-0a1b.part`), "half");
    await fs.writeFile(path.join(store.root, "tmp", `${process.pid}-2c3d.part`), "still writing");

    const fresh = await checkConsistency(database.db, store);
    expect(fresh.problems.map((p) => [p.kind, p.key])).toEqual([["partial", expect.stringMatching(/-0a1b\.part$/)]]);
    expect(fresh.inFlight).toBe(2);

    const later = await checkConsistency(database.db, store, { now: Date.now() + HOUR });
    expect(later.problems.map((p) => p.kind).sort()).toEqual(["orphan", "partial", "partial"]);

    const { removed, remaining } = await repairConsistency(database.db, store, { now: Date.now() + HOUR });
    expect(removed).toHaveLength(3);
    expect(remaining).toEqual([]);
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
    expect(await store.head("models/tree-a/1/tree.json")).not.toBeNull();
  });

  it("reports missing and corrupt objects and never deletes them or their rows", async () => {
    const weights = await store.get("models/tree-a/1/tree.json");
    await store.put("models/tree-a/1/tree.json", Buffer.from(JSON.stringify({ ...ONE_LEAF_TREE, counts: ONE_LEAF_TREE.counts.map(() => 1) })));
    const [snapshot] = await store.list("snapshots");
    const snapshotBytes = await store.get(snapshot.key);
    await store.put(snapshot.key, snapshotBytes.subarray(0, snapshotBytes.length - 1));
    const [blob] = await store.list("sources");
    const blobBytes = await store.get(blob.key);
    await store.delete(blob.key);

    const shallow = await checkConsistency(database.db, store, { graceMs: 0 });
    expect(shallow.problems.map((p) => `${p.kind} ${p.key}`)).toEqual([`missing ${blob.key}`]);
    const deep = await checkConsistency(database.db, store, { deep: true, graceMs: 0 });
    expect(deep.problems.map((p) => `${p.kind} ${p.key}`).sort()).toEqual([`corrupt models/tree-a/1`, `corrupt ${snapshot.key}`, `missing ${blob.key}`].sort());
    expect(deep.problems.find((p) => p.kind === "corrupt" && p.key.startsWith("models"))?.detail).toMatch(/sha256/);

    const { removed, remaining } = await repairConsistency(database.db, store, { deep: true, graceMs: 0 });
    expect(removed).toEqual([]);
    expect(remaining).toHaveLength(3);

    await store.put("models/tree-a/1/tree.json", weights);
    await store.put(snapshot.key, snapshotBytes);
    await store.put(blob.key, blobBytes);
    expect((await checkConsistency(database.db, store, { deep: true, graceMs: 0 })).problems).toEqual([]);
  });
});
