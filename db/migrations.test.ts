import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { createPostgresTestDatabase } from "@/lib/testing/database";

const EXPECTED_TABLES = [
  "alias_history",
  "audit_log",
  "benchmark_predictions",
  "benchmarks",
  "dataset_imports",
  "dataset_records",
  "dataset_sources",
  "dataset_tags",
  "dataset_versions",
  "drift_reports",
  "hyperparameter_searches",
  "import_batches",
  "job_steps",
  "jobs",
  "local_accounts",
  "logs",
  "model_aliases",
  "model_explanations",
  "model_versions",
  "models",
  "pipeline_runs",
  "predictions",
  "training_runs",
];

async function rowsOf<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await database.db.execute(query);
  // postgres.js returns an array; PGlite returns { rows }.
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

async function expectMigrated(database: Database) {
  const tables = await rowsOf<{ table_name: string }>(
    database,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  expect(tables.map((r) => r.table_name)).toEqual(EXPECTED_TABLES);
  const applied = await rowsOf<{ n: number }>(database, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return applied[0].n;
}

describe("migrations", () => {
  it("create every table on PostgreSQL, and applying them again changes nothing", async () => {
    const first = await createPostgresTestDatabase();
    try {
      const applied = await expectMigrated(first);
      const again = await openDatabase({ kind: "postgres", url: first.url! });
      expect(await expectMigrated(again)).toBe(applied);
      await again.close();
    } finally {
      await first.cleanup();
    }
  });

  it("create every table on PGlite, and applying them again changes nothing", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-pglite-"));
    try {
      const first = await openDatabase({ kind: "pglite", dir });
      const applied = await expectMigrated(first);
      await first.close();
      const again = await openDatabase({ kind: "pglite", dir });
      expect(await expectMigrated(again)).toBe(applied);
      await again.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("serialise concurrent migrators on one PostgreSQL database", async () => {
    const base = await createPostgresTestDatabase();
    try {
      const extra = await Promise.all([1, 2, 3].map(() => openDatabase({ kind: "postgres", url: base.url! })));
      await expectMigrated(base);
      await Promise.all(extra.map((d) => d.close()));
    } finally {
      await base.cleanup();
    }
  });
});
