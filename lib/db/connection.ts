import fs from "node:fs";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";
import { config, type AppConfig } from "@/lib/config";

/** Both drivers (postgres.js and PGlite) share this query-builder surface. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

const MIGRATIONS_DIR = path.resolve(process.cwd(), "db", "migrations");
// Any fixed number: serialises concurrent migrators (several test workers, app replicas).
const MIGRATION_LOCK_ID = 7_262_021;

export async function openDatabase(dbConfig: AppConfig["database"] = config().database): Promise<Database> {
  if (dbConfig.kind === "postgres") {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");

    const migrationClient = postgres(dbConfig.url, { max: 1, onnotice: () => {} });
    try {
      await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
      await migrate(drizzle(migrationClient), { migrationsFolder: MIGRATIONS_DIR });
      await migrationClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    } finally {
      await migrationClient.end();
    }
    // A short connect timeout: while the server is down, requests fail fast (503) instead of hanging for postgres.js's default 30 s.
    const client = postgres(dbConfig.url, { max: 10, connect_timeout: 5, onnotice: () => {} });
    // end() waits for queries in flight; a server that has gone away must not hold up a shutdown.
    return { db: drizzle(client, { schema }) as unknown as Db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  if (dbConfig.dir !== "memory://") fs.mkdirSync(dbConfig.dir, { recursive: true });
  const client = await PGlite.create(dbConfig.dir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db: db as unknown as Db, kind: "pglite", close: () => client.close() };
}

// Cached on globalThis so Next's dev reloads and repeated imports share one pool.
const globalForDb = globalThis as unknown as { kanaDatabase?: Promise<Database> };

/** The process-wide database, migrated on first use. */
export function database(): Promise<Database> {
  globalForDb.kanaDatabase ??= openDatabase().catch((error: unknown) => {
    globalForDb.kanaDatabase = undefined;
    throw error;
  });
  return globalForDb.kanaDatabase;
}

export async function getDb(): Promise<Db> {
  return (await database()).db;
}

export async function closeDatabase(): Promise<void> {
  const pending = globalForDb.kanaDatabase;
  globalForDb.kanaDatabase = undefined;
  if (pending) await (await pending).close();
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

export { schema };

/** The database if this process has already opened it; never opens one. */
export function openedDatabase(): Promise<Database> | undefined {
  return globalForDb.kanaDatabase;
}

/**
 * Rows of a raw SQL query on either driver: postgres-js answers with an array, PGlite with
 * `{ rows }`.
 */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
