import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs, jobSteps, logs } from "@/db/schema";
import { createPostgresTestDatabase, type TestDatabase } from "@/lib/testing/database";
import { purgeOperationalData } from "./retention";

let database: TestDatabase;
beforeAll(async () => {
  database = await createPostgresTestDatabase();
});
afterAll(async () => {
  await database?.cleanup();
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe("retention of logs and jobs", () => {
  it("removes old log rows and old finished jobs with their steps, and keeps waiting or running jobs however old", async () => {
    const { db } = database;
    await db.insert(logs).values([
      { ts: daysAgo(40), level: "warn", component: "api", message: "old" },
      { ts: daysAgo(1), level: "warn", component: "api", message: "recent" },
    ]);
    const made = await db
      .insert(jobs)
      .values([
        { name: "benchmarks", payload: {}, maxAttempts: 1, status: "succeeded", createdAt: daysAgo(20) },
        { name: "benchmarks", payload: {}, maxAttempts: 1, status: "failed", createdAt: daysAgo(20) },
        { name: "train-pipeline", payload: {}, maxAttempts: 1, status: "pending", createdAt: daysAgo(20) },
        { name: "benchmarks", payload: {}, maxAttempts: 1, status: "succeeded", createdAt: daysAgo(2) },
      ])
      .returning();
    await db.insert(jobSteps).values({ jobId: made[0].id, step: "sweep", output: {} });

    expect(await purgeOperationalData(db, { logDays: 30, jobDays: 14 })).toEqual({ logs: 1, jobs: 2 });
    expect((await db.select().from(logs)).map((l) => l.message)).toEqual(["recent"]);
    expect((await db.select().from(jobs)).map((j) => j.id).sort()).toEqual([made[2].id, made[3].id]);
    expect(await db.select().from(jobSteps)).toEqual([]);
  });
});
