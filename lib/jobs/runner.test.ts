// Over 250 lines: every behaviour of the runner against one PostgreSQL database, sharing its job definitions.
import { spawnSync } from "node:child_process";
import os from "node:os";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { jobs } from "@/db/schema";
import { InterruptedError, leaseOwner } from "@/lib/leases";
import { createPostgresTestDatabase, type TestDatabase } from "@/lib/testing/database";
import type { JobDefinition } from "./catalogue";
import { EmbeddedRunner } from "./runner";

let database: TestDatabase;
let runner: EmbeddedRunner | undefined;
const calls: string[] = [];
let overlapping = 0;
let maxOverlap = 0;

const anyPayload = z.record(z.string(), z.unknown());
const definition = (name: string, run: JobDefinition["run"], extra: Partial<JobDefinition> = {}): JobDefinition => ({
  name,
  event: `test/${name}`,
  cron: () => null,
  maxAttempts: 3,
  concurrency: 1,
  payload: anyPayload,
  run,
  ...extra,
});

const definitions: JobDefinition[] = [
  definition("always-fails", async () => {
    calls.push("always-fails");
    throw new Error("the disk is on fire");
  }),
  definition("fails-once-after-a-step", async (_payload, step) => {
    await step.run("expensive", async () => {
      calls.push("expensive");
      return 42;
    });
    calls.push("second");
    if (calls.filter((c) => c === "second").length === 1) throw new Error("transient");
    return "done";
  }),
  definition("slow", async () => {
    overlapping++;
    maxOverlap = Math.max(maxOverlap, overlapping);
    await new Promise((r) => setTimeout(r, 100));
    overlapping--;
  }),
  definition("every-second", async () => void calls.push("tick"), { event: undefined, cron: () => "* * * * * *" }),
  // Runs until shut down the first time; finishes at once when resumed.
  definition("waits-for-abort", async (_payload, _step, signal) => {
    if (calls.includes("aborted once")) return "resumed";
    await new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve()));
    calls.push("aborted once");
    throw new InterruptedError();
  }),
  definition("announces", async () => ({ registered: 2 }), {
    followUps: (result) => [
      { name: "test/slow", data: { after: (result as { registered: number }).registered } },
      { name: "test/nobody-listens", data: {} },
    ],
  }),
];

beforeAll(async () => {
  database = await createPostgresTestDatabase();
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  calls.length = 0;
  await database.db.delete(jobs);
});
afterAll(async () => {
  await database?.cleanup();
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A job some runner took and has not finished: its first attempt, held by `lockedBy`. */
async function insertRunningJob(name: string, lockedBy: string, heartbeatAt?: Date) {
  const [job] = await database.db.insert(jobs).values({ name, payload: {}, maxAttempts: 3, status: "running", attempts: 1, lockedBy, heartbeatAt }).returning();
  return job;
}

async function started(defs = definitions.filter((d) => d.name !== "every-second")) {
  runner = new EmbeddedRunner(database.db, { definitions: defs, concurrency: 2, retryBaseMs: 10, pollMs: 50 });
  await runner.start();
  return runner;
}

describe("EmbeddedRunner", () => {
  it("retries a failing job with backoff, then marks it failed with its error", async () => {
    const r = await started();
    const [job] = await r.send("test/always-fails", {});
    await r.drain(10_000);
    const [row] = await database.db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastError: "the disk is on fire" });
    expect(calls).toEqual(["always-fails", "always-fails", "always-fails"]);
  });

  it("does not repeat finished steps when it retries", async () => {
    const r = await started();
    const [job] = await r.send("test/fails-once-after-a-step", {});
    await r.drain(10_000);
    const [row] = await database.db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(row).toMatchObject({ status: "succeeded", attempts: 2, result: "done" });
    expect(calls).toEqual(["expensive", "second", "second"]);
  });

  it("keeps to each job's concurrency limit", async () => {
    const r = await started();
    maxOverlap = 0;
    await Promise.all(Array.from({ length: 4 }, () => r.send("test/slow", {})));
    await r.drain(10_000);
    expect(maxOverlap).toBe(1);
    const rows = await database.db.select().from(jobs);
    expect(rows.every((j) => j.status === "succeeded")).toBe(true);
  });

  it("resumes jobs that were running when the process stopped", async () => {
    const orphan = await insertRunningJob("fails-once-after-a-step", "a-dead-process");
    const r = await started();
    await r.drain(10_000);
    const [row] = await database.db.select().from(jobs).where(eq(jobs.id, orphan.id));
    expect(row.status).toBe("succeeded");
  });

  it("takes back at once a job whose process is known to be dead, and leaves a live runner's job alone", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const orphan = await insertRunningJob("slow", `${os.hostname()}/${dead}/0ld0n0ce/runner-x`, new Date());
    // Another runner of this very process, alive and heartbeating.
    const held = await insertRunningJob("announces", leaseOwner("runner"), new Date());
    const r = await started();
    await waitUntil(async () => (await database.db.select().from(jobs).where(eq(jobs.id, orphan.id)))[0].status === "succeeded");
    expect((await database.db.select().from(jobs).where(eq(jobs.id, held.id)))[0]).toMatchObject({ status: "running", attempts: 1 });
    expect(await r.reclaimStale()).toBe(0);
  });

  it("takes back a job whose heartbeat went stale", async () => {
    const stale = await insertRunningJob("slow", "elsewhere/1/n/runner-y", new Date(Date.now() - 120_000));
    const r = await started();
    await r.drain(10_000);
    expect((await database.db.select().from(jobs).where(eq(jobs.id, stale.id)))[0]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("abandons a running job on stop({ abandon }): back in the queue, the attempt not counted", async () => {
    const r = await started();
    const [job] = await r.send("test/waits-for-abort", {});
    await waitUntil(async () => (await database.db.select().from(jobs).where(eq(jobs.id, job.id)))[0].status === "running");
    await r.stop({ abandon: true });
    expect((await database.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]).toMatchObject({
      status: "pending",
      attempts: 0,
      lockedBy: null,
      lastError: "interrupted by shutdown",
    });
    await started();
    await runner!.drain(10_000);
    expect((await database.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("runs cron schedules, once per slot", async () => {
    const r = await started(definitions);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await r.stop();
    const rows = await database.db.select().from(jobs).where(eq(jobs.name, "every-second"));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((j) => j.dedupeKey)).size).toBe(rows.length);
  });

  it("sends follow-up events after a success; one nobody listens to does not fail the job", async () => {
    const r = await started();
    const [job] = await r.send("test/announces", {});
    await r.drain(10_000);
    const rows = await database.db.select().from(jobs);
    expect(rows.find((j) => j.id === job.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(rows.filter((j) => j.name === "slow")).toEqual([expect.objectContaining({ status: "succeeded", payload: { after: 2 } })]);
  });

  it("does not pile scheduled runs up behind one that is still waiting", async () => {
    await database.db.insert(jobs).values({ name: "every-second", payload: {}, maxAttempts: 1, runAt: new Date(Date.now() + 60_000) });
    const r = await started(definitions);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await r.stop();
    expect(await database.db.select().from(jobs).where(eq(jobs.name, "every-second"))).toHaveLength(1);
  });

  it("refuses unknown events and invalid payloads", async () => {
    const r = await started();
    await expect(r.send("test/nobody-listens", {})).rejects.toThrow(/No job listens/);
    await expect(r.enqueue("no-such-job", {})).rejects.toThrow(/Unknown job/);
  });
});

describe("EmbeddedRunner on PGlite (the embedded default)", () => {
  it("claims, runs and memoises jobs", async () => {
    const { createPgliteTestDatabase } = await import("@/lib/testing/database");
    const lite = await createPgliteTestDatabase();
    let runs = 0;
    const pglite = new EmbeddedRunner(lite.db, {
      definitions: [
        definition("lite", async (_p, step) => {
          await step.run("once", async () => 1);
          runs++;
        }),
      ],
      concurrency: 1,
      retryBaseMs: 10,
      pollMs: 50,
    });
    try {
      await pglite.start();
      await pglite.send("test/lite", {});
      await pglite.send("test/lite", {});
      await pglite.drain(10_000);
      expect(runs).toBe(2);
      expect((await lite.db.select().from(jobs)).map((j) => j.status)).toEqual(["succeeded", "succeeded"]);
    } finally {
      await pglite.stop();
      await lite.cleanup();
    }
  });
});
