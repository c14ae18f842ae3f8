import { desc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logs } from "@/db/schema";
import { closeDatabase, database } from "@/lib/db";
import { createPostgresTestDatabase, type TestDatabase } from "@/lib/testing/database";
import { createLogger, flushLogs } from "./log";

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createPostgresTestDatabase();
  // The logger writes through the process-wide database; point it at the throwaway one.
  process.env.DATABASE_URL = testDb.url;
});
afterAll(async () => {
  await closeDatabase();
  await testDb.cleanup();
});

describe("logger", () => {
  it("does not open a database by itself", async () => {
    createLogger("test").error("before any database is open");
    await flushLogs();
    expect(await testDb.db.select().from(logs)).toEqual([]);
  });

  it("persists warnings and errors with their context, not info", async () => {
    await database();
    const log = createLogger("test.component");
    log.info("just info");
    log.warn("disk almost full", { freeBytes: 1024 });
    log.error("import failed", { error: new Error("boom") });
    await flushLogs();
    const rows = await testDb.db.select().from(logs).orderBy(desc(logs.id));
    expect(rows.map((r) => [r.level, r.component, r.message])).toEqual([
      ["error", "test.component", "import failed"],
      ["warn", "test.component", "disk almost full"],
    ]);
    expect(rows[0].context).toEqual({ error: { name: "Error", message: "boom" } });
    expect(rows[1].context).toEqual({ freeBytes: 1024 });
  });
});
