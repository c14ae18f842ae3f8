import { eq } from "drizzle-orm";
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
    // Both are usually stamped in the same millisecond: compare by level, not by order.
    const rows = await testDb.db.select().from(logs).orderBy(logs.level);
    expect(rows.map((r) => [r.level, r.component, r.message, r.context])).toEqual([
      ["error", "test.component", "import failed", { error: { name: "Error", message: "boom" } }],
      ["warn", "test.component", "disk almost full", { freeBytes: 1024 }],
    ]);
  });
});

describe("logger with hostile text", () => {
  it("stores messages and context containing NUL characters", async () => {
    await database();
    createLogger("test.nul").warn("bad \u0000 input", { body: "\u0000\u0001", nested: { list: ["a\u0000b"] } });
    await flushLogs();
    const [row] = await testDb.db.select().from(logs).where(eq(logs.component, "test.nul"));
    expect(row.message).toBe("bad \\u0000 input");
    expect(row.context).toEqual({ body: "\\u0000\u0001", nested: { list: ["a\\u0000b"] } });
  });
});
