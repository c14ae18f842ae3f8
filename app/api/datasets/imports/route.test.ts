import fs from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetImports, datasetRecords, datasetSources, datasetTags, jobs } from "@/db/schema";
import { encodeIdx, KMNIST_FILES, parseIdx, resolveTag, splitOf } from "@/lib/data";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import { kmnistPng } from "@/lib/testing/images";
import { sessionCookie } from "@/lib/testing/sessions";

/**
 * POST /api/datasets/imports end to end on real parts: PostgreSQL, the real KMNIST files,
 * the import-data job (its real definition, run directly), the object store.
 */
const SECRET = "import-test-secret-import-test-secret-0123";
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let route: typeof import("./route");
let byId: typeof import("./[id]/route");
let adminCookie: string;
let images: Uint8Array;
let labels: Uint8Array;
const image = (k: number) => images.subarray(k * 784, (k + 1) * 784);

/** KMNIST images shifted by one pixel: new content (not duplicates of the KMNIST records), same characters. */
function shifted(k: number): Uint8Array {
  const out = new Uint8Array(784);
  const source = image(k);
  for (let y = 0; y < 28; y++) for (let x = 1; x < 28; x++) out[y * 28 + x] = source[y * 28 + x - 1];
  return out;
}

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = store.root;
  process.env.AUTH_SECRET = SECRET;
  process.env.IMPORT_MAX_BYTES = String(4 * 1024 * 1024);
  process.env.RETRAIN_MIN_NEW_RECORDS = "30";
  images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
  await importTestKmnist(database.db, store);
  [route, byId] = await Promise.all([import("./route"), import("./[id]/route")]);
  adminCookie = await sessionCookie(SECRET, "admin", "ada-admin");
}, 120_000);

afterAll(async () => {
  const { closeDatabase } = await import("@/lib/db");
  await closeDatabase();
  await database?.cleanup();
  await store?.cleanup();
});

function post(fields: Record<string, string | Uint8Array>, cookie: string | null = adminCookie) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") form.set(k, v);
    else form.set(k, new Blob([new Uint8Array(v)]), `${k}.bin`);
  }
  return route.POST(new Request("http://localhost/api/datasets/imports", { method: "POST", body: form, headers: cookie ? { cookie } : {} }));
}
const get = (id: string) => byId.GET(new Request(`http://localhost/api/datasets/imports/${id}`), { params: Promise.resolve({ id }) });

/** Runs the import-data job the route queued, as the runner would, and returns its result and follow-ups. */
async function runQueuedImport(importId: number) {
  const { importDataJob, directSteps } = await import("@/lib/jobs");
  const result = await importDataJob.run({ importId }, directSteps);
  return { result, followUps: importDataJob.followUps!(result) };
}

async function zipOf(ks: number[], extra: Record<string, Uint8Array> = {}, rows: string[] = []) {
  const files: Record<string, Uint8Array> = {};
  const lines = ["file,label"];
  for (const k of ks) {
    files[`new/${k}.png`] = await kmnistPng(shifted(k), 56);
    lines.push(`${k}.png,${labels[k]}`);
  }
  return zipSync({ ...files, ...extra, "new/labels.csv": Buffer.from([...lines, ...rows].join("\n")) });
}

describe("POST /api/datasets/imports", () => {
  it("refuses hostile and broken requests with a named 4xx and stores nothing", async () => {
    const zip = await zipOf([0]);
    const cases: Array<[string, Promise<Response>, number, string, RegExp]> = [
      ["no session", post({ source: "style", file: zip }, null), 401, "unauthenticated", /Sign in/],
      ["not an admin", post({ source: "style", file: zip }, await sessionCookie(SECRET, "user")), 403, "forbidden", /admin/],
      ["no file", post({ source: "style" }), 422, "validation_failed", /attach a zip/],
      ["only images", post({ source: "style", images: zip }), 422, "validation_failed", /attach a zip/],
      ["both kinds", post({ source: "style", file: zip, images: zip, labels: zip }), 422, "validation_failed", /not both/],
      ["no source", post({ file: zip }), 422, "validation_failed", /source/],
      ["the lab's own source", post({ source: "kmnist", file: zip }), 422, "validation_failed", /lab's own/],
      ["a path as source", post({ source: "../x", file: zip }), 422, "validation_failed", /lower-case/],
      ["too large", post({ source: "style", file: new Uint8Array(5 * 1024 * 1024) }), 413, "payload_too_large", /limit/],
    ];
    for (const [name, response, status, code, message] of cases) {
      const res = await response;
      const body = await res.json();
      expect([name, res.status, body.error.code], body.error.message).toEqual([name, status, code]);
      expect(body.error.message, name).toMatch(message);
    }
    const notMultipart = await route.POST(
      new Request("http://localhost/api/datasets/imports", {
        method: "POST",
        body: "{}",
        headers: { cookie: adminCookie, "content-type": "application/json" },
      }),
    );
    expect(notMultipart.status).toBe(415);
    expect(await database.db.select().from(datasetImports)).toEqual([]);
    expect(await store.list("imports")).toEqual([]);
  });

  it("imports a zip: preprocessed records split by hash, duplicates refused, tags made, the data trigger fires", async () => {
    const ks = Array.from({ length: 40 }, (_, k) => k);
    // A copy of one image under another name, an undecodable file, and a label outside the ten.
    const zip = await zipOf(ks, { "new/copy.png": await kmnistPng(shifted(3), 56), "new/bad.png": Buffer.from("nope") }, [
      "copy.png,3",
      "bad.png,2",
      "0.png,く",
    ]);
    const response = await post({ source: "thick-style", file: zip });
    expect(response.status).toBe(202);
    const queued = await response.json();
    expect(queued).toMatchObject({ source: "thick-style", format: "zip", status: "pending", url: `/admin/imports/${queued.id}` });
    expect(queued.uploadKeys).toBeUndefined();
    expect(await database.db.select({ name: jobs.name }).from(jobs)).toEqual([{ name: "import-data" }]);

    const { result, followUps } = await runQueuedImport(queued.id);
    expect(result).toMatchObject({ status: "done", accepted: 40, retrain: { due: true, detail: { newRecords: expect.any(Number) } } });
    expect(followUps.map((f) => [f.name, f.data.trigger ?? f.data.reason])).toEqual([
      ["kana/benchmarks.requested", "import"],
      ["kana/train.requested", "data"],
    ]);

    const done = await (await get(String(queued.id))).json();
    expect(done.status).toBe("done");
    expect(done.progress).toEqual({ done: 43, total: 43 });
    const report = done.report;
    expect(report).toMatchObject({ source: "thick-style", accepted: 40, tags: { train: "thick-style-train", holdout: "thick-style-holdout" } });
    expect(report.refusedByReason).toEqual({ duplicate: 1, undecodable: 1, unknown_label: 1 });
    expect(report.refused.find((r: { item: string }) => r.item === "copy.png")).toMatchObject({ reason: "duplicate", detail: "the same image as 3.png" });
    expect(report.splits.train + report.splits.holdout).toBe(40);
    expect(report.preview).toHaveLength(24);
    expect(report.preview[0].png).toMatch(/^data:image\/png;base64,/);

    // The records: what preprocessing made of them, each split by a hash of its content.
    const records = await database.db
      .select({ key: datasetRecords.sourceKey, split: datasetRecords.offlineSplit, hash: datasetRecords.contentHash, label: datasetRecords.label })
      .from(datasetRecords)
      .innerJoin(datasetSources, eq(datasetSources.id, datasetRecords.sourceId))
      .where(eq(datasetSources.name, "thick-style"));
    expect(records).toHaveLength(40);
    for (const r of records) {
      expect(r.key).toBe(r.hash);
      expect(r.split).toBe(splitOf("thick-style", r.key));
    }
    // The SQL of migration 0009 splits exactly as splitOf does.
    const [{ holdout }] = (await database.db.execute(
      sql`select count(*) filter (where ('x' || substr(encode(sha256(convert_to('thick-style/' || source_key, 'UTF8')), 'hex'), 1, 8))::bit(32)::bigint % 100 < 20)::int as holdout
          from dataset_records where content_hash is not null and source_key = content_hash`,
    )) as unknown as Array<{ holdout: number }>;
    expect(holdout).toBe(report.splits.holdout);

    // The source's tags resolve to its two parts; the training tag now includes its train part.
    expect((await resolveTag(database.db, store, "thick-style-holdout")).version.recordCount).toBe(report.splits.holdout);
    expect((await resolveTag(database.db, store, "thick-style-train")).version.recordCount).toBe(report.splits.train);
    const [holdoutTag] = await database.db.select().from(datasetTags).where(eq(datasetTags.name, "thick-style-holdout"));
    expect(holdoutTag.followedByAll).toBe(true);
    const training = await resolveTag(database.db, store, "training");
    expect(training.version.recordCount).toBe(8000 + report.splits.train);
    // KMNIST's own split did not move (the offline protocol's 8,000 / 2,000).
    expect((await resolveTag(database.db, store, "kmnist-holdout")).version.recordCount).toBe(2000);

    // The upload is gone from the object store; running the job again changes nothing.
    expect(await store.list("imports")).toEqual([]);
    expect((await runQueuedImport(queued.id)).result).toMatchObject({ status: "done", accepted: 40 });
    expect(await database.db.select().from(datasetRecords).where(eq(datasetRecords.contentHash, records[0].hash!))).toHaveLength(1);
  }, 60_000);

  it("imports an idx pair, refusing images already in the lab; a batch refused as a whole ends failed with its reason and adds nothing", async () => {
    // Five new images, two KMNIST images exactly as the lab holds them, and one image of the first import.
    const pixels = new Uint8Array(8 * 784);
    [200, 201, 202, 203, 204].forEach((k, i) => pixels.set(shifted(k), i * 784));
    pixels.set(image(300), 5 * 784);
    pixels.set(image(301), 6 * 784);
    const [first] = await database.db
      .select({ key: datasetRecords.imageKey, index: datasetRecords.imageIndex, label: datasetRecords.label })
      .from(datasetRecords)
      .innerJoin(datasetSources, eq(datasetSources.id, datasetRecords.sourceId))
      .where(eq(datasetSources.name, "thick-style"))
      .limit(1);
    pixels.set((await store.get(first.key)).subarray(first.index * 784, (first.index + 1) * 784), 7 * 784);
    const idxLabels = Uint8Array.from([...[200, 201, 202, 203, 204].map((k) => labels[k]), labels[300], labels[301], first.label]);
    const idx = await post({ source: "idx-style", images: encodeIdx([8, 28, 28], pixels), labels: encodeIdx([8], idxLabels) });
    expect(idx.status).toBe(202);
    const idxId = (await idx.json()).id;
    const { result } = await runQueuedImport(idxId);
    expect(result).toMatchObject({ status: "done", accepted: 5 });
    expect((await (await get(String(idxId))).json()).report.refused.map((r: { item: string; detail: string }) => [r.item, r.detail])).toEqual([
      ["#5", "already in source kmnist"],
      ["#6", "already in source kmnist"],
      ["#7", "already in source thick-style"],
    ]);

    const before = (await database.db.select().from(datasetRecords)).length;
    const broken = await post({ source: "broken-style", file: zipSync({ "a.png": new Uint8Array(10), "../labels.csv": Buffer.from("a.png,0") }) });
    const id = (await broken.json()).id;
    expect((await runQueuedImport(id)).result).toMatchObject({ status: "failed", accepted: 0, retrain: null });
    const failed = await (await get(String(id))).json();
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/unsafe path/), report: { rejected: { code: "unsafe_path" } } });
    expect((await database.db.select().from(datasetRecords)).length).toBe(before);
    expect(await database.db.select().from(datasetSources).where(eq(datasetSources.name, "broken-style"))).toEqual([]);
    expect(await store.list("imports")).toEqual([]);

    // The store holds exactly what the rows name.
    const { checkConsistency } = await import("@/lib/integrity");
    expect((await checkConsistency(database.db, store, { deep: true })).problems).toEqual([]);

    expect((await get("999999")).status).toBe(404);
    expect((await get("abc")).status).toBe(400);
    const list = await (await route.GET(new Request("http://localhost/api/datasets/imports"))).json();
    expect(list.imports.map((i: { source: string }) => i.source)).toEqual(["broken-style", "idx-style", "thick-style"]);
  }, 60_000);

  it("imports folders dropped in the object store's drop/ prefix once they settle; the model poll leaves them alone", async () => {
    const { pollDataDrops } = await import("@/lib/data");
    const { pollModelDrops } = await import("@/lib/registry");
    const lines = ["file,label"];
    for (const k of [400, 401, 402, 403]) {
      await store.put(`drop/dropped-style/img/${k}.png`, await kmnistPng(shifted(k), 56));
      lines.push(`img/${k}.png,${labels[k]}`);
    }
    await store.put("drop/dropped-style/labels.csv", Buffer.from(lines.join("\n")));
    const idxPixels = new Uint8Array(2 * 784);
    idxPixels.set(shifted(410), 0);
    idxPixels.set(shifted(411), 784);
    await store.put("drop/idx-drop/train-images-idx3-ubyte", encodeIdx([2, 28, 28], idxPixels));
    await store.put("drop/idx-drop/train-labels-idx1-ubyte", encodeIdx([2], Uint8Array.from([labels[410], labels[411]])));
    await store.put("drop/Not_A_Source/labels.csv", Buffer.from("file,label\n"));

    // The model poll does not take labelled batches for broken models.
    expect(await pollModelDrops(database.db, store)).toEqual({ registered: [], rejected: [], waiting: [] });
    // Still being written (newer than the settle time): waits.
    expect((await pollDataDrops(database.db, store, { maxBytes: 1 << 20 })).waiting.sort()).toEqual(["Not_A_Source", "dropped-style", "idx-drop"]);

    const settled = await pollDataDrops(database.db, store, { maxBytes: 1 << 20, now: Date.now() + 60_000 });
    expect(settled.queued.map((q) => q.entry).sort()).toEqual(["dropped-style", "idx-drop"]);
    expect(settled.rejected).toEqual([{ entry: "Not_A_Source", reason: expect.stringMatching(/^the folder name is the source: source: 2-40 lower-case/) }]);
    expect(await store.list("drop")).toEqual([]);
    expect((await store.list("rejected")).map((o) => o.key.replace(/^rejected\/[^/]+-Not_A_Source\//, ""))).toEqual(["REJECTED.txt", "labels.csv"]);
    for (const { importId } of settled.queued) expect((await runQueuedImport(importId)).result).toMatchObject({ status: "done" });
    const accepted = Object.fromEntries(
      await Promise.all(settled.queued.map(async (q) => [q.entry, (await (await get(String(q.importId))).json()).report.accepted])),
    );
    expect(accepted).toEqual({ "dropped-style": 4, "idx-drop": 2 });
    const [dropped] = await database.db.select().from(datasetImports).where(eq(datasetImports.source, "dropped-style"));
    expect(dropped).toMatchObject({ format: "zip", actor: "drop/dropped-style" });
  }, 60_000);
});
