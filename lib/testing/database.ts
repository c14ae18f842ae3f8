import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { importKmnist, KMNIST_FILES, seedDefaultTags } from "@/lib/data";
import { openDatabase, type Database, type Db } from "@/lib/db";
import { LocalObjectStore, type ObjectStore } from "@/lib/storage";

/**
 * Test fixtures on real parts: a throwaway database on the PostgreSQL server (or PGlite)
 * and an object store in a temporary folder. Each call gets its own, dropped on `cleanup`.
 */

export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type TestDatabase = Database & { cleanup(): Promise<void>; url?: string };

export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `kana_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(TEST_SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString() });
  return {
    ...database,
    url: url.toString(),
    async cleanup() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ kind: "pglite", dir: "memory://" });
  return { ...database, cleanup: () => database.close() };
}

export async function createTempStore(): Promise<LocalObjectStore & { cleanup(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-store-"));
  const store = new LocalObjectStore(dir);
  return Object.assign(store, { cleanup: () => fs.rm(dir, { recursive: true, force: true }) });
}

/** The official KMNIST files shipped beside the checkout (../shared/datasets/kmnist) or KMNIST_DIR. */
export const KMNIST_TEST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));

/** The usual test data: the official test files imported (offline protocol) and the default tags seeded. */
export async function importTestKmnist(db: Db, store: ObjectStore): Promise<void> {
  await importKmnist(db, store, {
    testImages: path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name),
    testLabels: path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name),
  });
  await seedDefaultTags(db);
}
