import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetRecords, importBatches } from "@/db/schema";
import { createPgliteTestDatabase, createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";
import {
  encodeIdx,
  importKmnist,
  KMNIST_FILES,
  KmnistChecksumError,
  loadSnapshot,
  md5Hex,
  offlineSplitOf,
  parseIdx,
  resolveTag,
  seedDefaultTags,
  type Checksums,
  type KmnistFilePaths,
} from ".";

const officialTestFiles: KmnistFilePaths = {
  testImages: path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name),
  testLabels: path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name),
};

async function recordCount(database: TestDatabase) {
  const [{ n }] = await database.db.select({ n: count() }).from(datasetRecords);
  return Number(n);
}

describe.each([
  ["PostgreSQL", createPostgresTestDatabase],
  ["PGlite", createPgliteTestDatabase],
])("KMNIST import and tags on %s", (_name, createDatabase) => {
  let database: TestDatabase;
  let store: Awaited<ReturnType<typeof createTempStore>>;

  beforeAll(async () => {
    database = await createDatabase();
    store = await createTempStore();
    await importKmnist(database.db, store, officialTestFiles);
    await seedDefaultTags(database.db);
  });
  afterAll(async () => {
    await database?.cleanup();
    await store?.cleanup();
  });

  it("imports the 10,000 official test records once", async () => {
    expect(await recordCount(database)).toBe(10_000);
    const again = await importKmnist(database.db, store, officialTestFiles);
    expect(again).toEqual({ imported: 0, skipped: 10_000, protocol: "offline" });
    expect(await recordCount(database)).toBe(10_000);
  });

  it("splits offline: 8,000 train and 2,000 holdout, 800 and 200 per class", async () => {
    const train = (await resolveTag(database.db, store, "kmnist-train")).version;
    const holdout = (await resolveTag(database.db, store, "kmnist-holdout")).version;
    expect(train.protocol).toBe("offline");
    expect(train.recordCount).toBe(8000);
    expect(holdout.recordCount).toBe(2000);
    expect(train.classCounts).toEqual(new Array(10).fill(800));
    expect(holdout.classCounts).toEqual(new Array(10).fill(200));
  });

  it("puts exactly every 5th image of each class (positions 4, 9, 14, ...) in holdout", async () => {
    const labels = parseIdx(await fs.readFile(officialTestFiles.testLabels!)).data;
    const images = parseIdx(await fs.readFile(officialTestFiles.testImages!)).data;
    const holdout = await loadSnapshot(store, (await resolveTag(database.db, store, "kmnist-holdout")).version);
    // Records are ordered by key (= official order), so the snapshot follows the file.
    const expected: number[] = [];
    const seen = new Array(10).fill(0);
    labels.forEach((label, i) => {
      if (seen[label]++ % 5 === 4) expected.push(i);
    });
    expect(expected).toHaveLength(2000);
    expect(Array.from(holdout.labels)).toEqual(expected.map((i) => labels[i]));
    for (const k of [0, 1, 999, 1999]) {
      expect(Buffer.from(holdout.images.subarray(k * 784, (k + 1) * 784))).toEqual(Buffer.from(images.subarray(expected[k] * 784, (expected[k] + 1) * 784)));
    }
  });

  it("resolves the same data to the same version", async () => {
    const first = await resolveTag(database.db, store, "kmnist-train");
    const second = await resolveTag(database.db, store, "kmnist-train");
    expect(second.created).toBe(false);
    expect(second.version.id).toBe(first.version.id);
    expect(second.version.contentHash).toBe(first.version.contentHash);
  });
});

describe("determinism and failures", () => {
  it("gives the same content hash in an unrelated database", async () => {
    const hashes: string[] = [];
    for (const create of [createPostgresTestDatabase, createPgliteTestDatabase]) {
      const database = await create();
      const store = await createTempStore();
      try {
        await importKmnist(database.db, store, officialTestFiles);
        await seedDefaultTags(database.db);
        hashes.push((await resolveTag(database.db, store, "kmnist-holdout")).version.contentHash);
      } finally {
        await database.cleanup();
        await store.cleanup();
      }
    }
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
  });

  it("refuses a file whose md5 differs and imports nothing", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-kmnist-"));
    const database = await createPostgresTestDatabase();
    const store = await createTempStore();
    try {
      const labels = Buffer.from(await fs.readFile(officialTestFiles.testLabels!));
      labels[labels.length - 10] ^= 0xff;
      const corrupt = path.join(dir, KMNIST_FILES.testLabels.name);
      await fs.writeFile(corrupt, labels);
      const attempt = importKmnist(database.db, store, { testImages: officialTestFiles.testImages, testLabels: corrupt });
      await expect(attempt).rejects.toBeInstanceOf(KmnistChecksumError);
      await expect(attempt).rejects.toThrow(/t10k-labels-idx1-ubyte\.gz: md5 [0-9a-f]{32} does not match the official 7320c461/);
      expect(await recordCount(database)).toBe(0);
      expect(await database.db.select().from(importBatches)).toEqual([]);
      expect(await store.list("")).toEqual([]);
    } finally {
      await database.cleanup();
      await store.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("uses the official split when the train files are present", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-kmnist-"));
    const database = await createPgliteTestDatabase();
    const store = await createTempStore();
    try {
      // Small synthetic files in the official layout, with their own checksums.
      const make = (n: number, seed: number) => ({
        images: gzipSync(
          encodeIdx(
            [n, 28, 28],
            Uint8Array.from({ length: n * 784 }, (_, i) => (i * seed) % 256),
          ),
        ),
        labels: gzipSync(
          encodeIdx(
            [n],
            Uint8Array.from({ length: n }, (_, i) => i % 10),
          ),
        ),
      });
      const test = make(30, 7);
      const train = make(60, 13);
      const files: KmnistFilePaths = {};
      const checksums = {} as Checksums;
      for (const [id, data] of [
        ["testImages", test.images],
        ["testLabels", test.labels],
        ["trainImages", train.images],
        ["trainLabels", train.labels],
      ] as const) {
        files[id] = path.join(dir, KMNIST_FILES[id].name);
        checksums[id] = md5Hex(data);
        await fs.writeFile(files[id]!, data);
      }
      const result = await importKmnist(database.db, store, files, checksums);
      expect(result).toEqual({ imported: 90, skipped: 0, protocol: "official" });
      await seedDefaultTags(database.db);
      const trainVersion = (await resolveTag(database.db, store, "kmnist-train")).version;
      const holdoutVersion = (await resolveTag(database.db, store, "kmnist-holdout")).version;
      expect([trainVersion.protocol, trainVersion.recordCount, holdoutVersion.recordCount]).toEqual(["official", 60, 30]);
    } finally {
      await database.cleanup();
      await store.cleanup();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("offlineSplitOf marks positions 4, 9, 14 ... within each class", () => {
    const labels = [0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const split = offlineSplitOf(labels);
    // class 0 occurrences at 0,2,3,4,5,10,11,12,13,14 → 5th (index 5) and 10th (index 14) are holdout
    expect(split.map((s, i) => (s === "holdout" ? i : -1)).filter((i) => i >= 0)).toEqual([5, 9, 14]);
  });
});
