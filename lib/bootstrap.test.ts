import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs, modelAliases, modelVersions, pipelineRuns, trainingRuns } from "@/db/schema";
import { checkConsistency, repairConsistency } from "@/lib/integrity";
import { requestTraining } from "@/lib/pipeline";
import { spawnTsChild, waitFor } from "@/lib/testing/child";
import { createPostgresTestDatabase, createTempStore, KMNIST_TEST_DIR, type TestDatabase } from "@/lib/testing/database";

/**
 * The first start, interrupted at the worst moments by really killing the process that runs
 * it (the same code `npm start` runs before it serves), then started again.
 */
const SHUTDOWN_TIMEOUT_MS = 5000;

interface Setup {
  database: TestDatabase;
  store: Awaited<ReturnType<typeof createTempStore>>;
}
const setups: Setup[] = [];

async function freshSetup(): Promise<Setup> {
  const setup = { database: await createPostgresTestDatabase(), store: await createTempStore() };
  setups.push(setup);
  return setup;
}

afterAll(async () => {
  for (const { database, store } of setups) {
    await database.cleanup();
    await store.cleanup();
  }
});

const firstStart = ({ database, store }: Setup) =>
  spawnTsChild("lib/testing/bootstrap-child.ts", [], {
    DATABASE_URL: database.url,
    STORAGE_DIR: store.root,
    KMNIST_DIR: KMNIST_TEST_DIR,
    KMNIST_DOWNLOAD: "never",
    JOB_RETRY_BASE_MS: "100",
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    LOG_LEVEL: "info",
  });

const trainingOf = (setup: Setup, algorithm: string) =>
  setup.database.db.select().from(trainingRuns).where(eq(trainingRuns.algorithm, algorithm)).orderBy(trainingRuns.id);

async function killWhileTraining(setup: Setup, algorithm: string, signal: "SIGKILL" | "SIGTERM") {
  const child = firstStart(setup);
  await waitFor(
    async () =>
      (
        await setup.database.db
          .select()
          .from(trainingRuns)
          .where(and(eq(trainingRuns.algorithm, algorithm), eq(trainingRuns.status, "running")))
      ).length > 0,
    180_000,
  );
  const signalled = performance.now();
  child.kill(signal);
  const result = await child.exited;
  return { ...result, exitMs: performance.now() - signalled, output: child.output() };
}

/** A complete first start: one pipeline run, a model of each family, a champion, a clean store. */
async function expectCompleteFirstStart(setup: Setup) {
  const { db } = setup.database;
  const runs = await db.select().from(pipelineRuns);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: "succeeded", decision: "promoted", trigger: "bootstrap", lockedBy: null });
  expect((await db.select().from(modelVersions)).map((v) => v.algorithm).sort()).toEqual(["cnn", "logreg", "tree"]);
  expect(await db.select().from(modelAliases).where(eq(modelAliases.alias, "champion"))).toHaveLength(1);
  expect(await db.select().from(trainingRuns).where(eq(trainingRuns.status, "running"))).toEqual([]);
  await repairConsistency(db, setup.store);
  expect((await checkConsistency(db, setup.store, { deep: true, graceMs: 0 })).problems).toEqual([]);
}

describe("a first start killed with SIGKILL", () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await freshSetup();
    process.env.DATABASE_URL = setup.database.url;
  });

  it("during the CNN resumes on the next start: one pipeline run, three models, a champion, the API accepts training", async () => {
    const killed = await killWhileTraining(setup, "cnn", "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    expect((await setup.database.db.select().from(modelVersions)).map((v) => v.algorithm).sort()).toEqual(["logreg", "tree"]);

    const restart = firstStart(setup);
    expect((await restart.exited).code).toBe(0);
    await expectCompleteFirstStart(setup);
    expect((await trainingOf(setup, "cnn")).map((r) => r.status)).toEqual(["interrupted", "succeeded"]);
    // Finished steps were not repeated.
    expect(await trainingOf(setup, "logreg")).toHaveLength(1);
    expect((await setup.database.db.select().from(jobs).where(eq(jobs.name, "train-pipeline")))[0]).toMatchObject({ status: "succeeded", attempts: 2 });

    const { POST } = await import("@/app/api/training/route");
    const response = await POST(new Request("http://localhost/api/training", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }));
    expect(response.status).toBe(202);
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
  }, 400_000);

  it("then `npm start`'s script serves the app: /api/health answers, SIGTERM exits cleanly", async () => {
    // Needs the production build, which `npm test` makes before these tests run.
    expect(fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))).toBe(true);
    const port = await freePort();
    const start = spawnTsChild("lib/cli/start.ts", [], {
      DATABASE_URL: setup.database.url,
      STORAGE_DIR: setup.store.root,
      KMNIST_DIR: KMNIST_TEST_DIR,
      KMNIST_DOWNLOAD: "never",
      PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      LOG_LEVEL: "info",
    });
    await waitFor(async () => /serving on http/.test(start.output()), 120_000, "the server to listen");
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    start.kill("SIGTERM");
    expect((await start.exited).code).toBe(0);
    expect(start.output()).toMatch(/shutdown complete/);
  }, 180_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("a first start killed with SIGKILL during logistic regression", () => {
  it("trains everything on the next start, once", async () => {
    const setup = await freshSetup();
    await killWhileTraining(setup, "logreg", "SIGKILL");
    expect(await setup.database.db.select().from(modelVersions)).toEqual([]);
    const restart = firstStart(setup);
    expect((await restart.exited).code).toBe(0);
    await expectCompleteFirstStart(setup);
    expect((await trainingOf(setup, "logreg")).map((r) => r.status)).toEqual(["interrupted", "succeeded"]);
    expect(await requestTraining(setup.database.db, { actor: "test" })).toMatchObject({ accepted: true });
  }, 400_000);
});

describe("a first start stopped with SIGTERM", () => {
  it("shuts down within SHUTDOWN_TIMEOUT_MS, logs each step, keeps the attempt count, and resumes", async () => {
    const setup = await freshSetup();
    const { db } = setup.database;
    const stopped = await killWhileTraining(setup, "cnn", "SIGTERM");
    expect(stopped.code).toBe(0);
    console.info(`SIGTERM during the CNN: exited ${Math.round(stopped.exitMs)} ms after the signal (SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS})`);
    expect(stopped.exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(stopped.output).toMatch(/shutting down \(SIGTERM\)/);
    expect(stopped.output).toMatch(/shutdown: initial training \(interrupted; it resumes at the next start\) done/);
    expect(stopped.output).toMatch(/shutdown: database done/);
    expect(stopped.output).toMatch(/shutdown complete/);
    const [job] = await db.select().from(jobs).where(eq(jobs.name, "train-pipeline"));
    expect(job).toMatchObject({ status: "pending", attempts: 0, lastError: "interrupted by shutdown" });
    expect((await db.select().from(pipelineRuns))[0]).toMatchObject({ status: "interrupted" });
    expect((await trainingOf(setup, "cnn")).map((r) => [r.status, r.error])).toEqual([["interrupted", "interrupted by shutdown"]]);
    // The training page's busy check sees the queued job, not a phantom running one.
    expect(await requestTraining(db, { actor: "test" })).toMatchObject({ accepted: false });

    const restart = firstStart(setup);
    expect((await restart.exited).code).toBe(0);
    await expectCompleteFirstStart(setup);
    expect((await db.select().from(jobs).where(eq(jobs.id, job.id)))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await trainingOf(setup, "tree")).toHaveLength(1);
    expect((await trainingOf(setup, "cnn")).map((r) => r.status)).toEqual(["interrupted", "succeeded"]);
  }, 400_000);
});
