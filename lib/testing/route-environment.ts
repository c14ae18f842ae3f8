import fs from "node:fs";
import path from "node:path";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, KMNIST_TEST_DIR, type TestDatabase } from "./database";

/** What a route test runs on: its own PostgreSQL database and object store, KMNIST imported, models trained. */
export interface RouteEnvironment {
  database: TestDatabase;
  /** The KMNIST test images (784 bytes each), to send. */
  images: Uint8Array;
  cleanup(): Promise<void>;
}

/**
 * Sets the app's environment (its singletons read it on first use, so route modules are
 * imported afterwards), imports the KMNIST test files and trains `models` through the real
 * pipeline.
 */
export async function routeEnvironment(
  env: Record<string, string>,
  models: Array<{ algorithm: string; hyperparameters: Record<string, unknown> }>,
): Promise<RouteEnvironment> {
  const database = await createPostgresTestDatabase();
  const store = await createTempStore();
  Object.assign(process.env, { DATABASE_URL: database.url, STORAGE_DIR: store.root, ...env });
  const { getDb, closeDatabase } = await import("@/lib/db");
  const { KMNIST_FILES, parseIdx } = await import("@/lib/data");
  const { trainAndRegister } = await import("@/lib/pipeline");
  const { objectStore } = await import("@/lib/storage");
  const db = await getDb();
  await importTestKmnist(db, objectStore());
  for (const model of models) await trainAndRegister(db, objectStore(), model);
  return {
    database,
    images: parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data,
    async cleanup() {
      await closeDatabase();
      await database.cleanup();
      await store.cleanup();
    },
  };
}
