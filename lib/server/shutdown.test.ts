import http from "node:http";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs, predictions, trainingRuns } from "@/db/schema";
import { trainAndRegister } from "@/lib/pipeline";
import { startAppServer, type AppServer } from "@/lib/testing/app-server";
import { createPostgresTestDatabase, createTempStore, importTestKmnist, type TestDatabase } from "@/lib/testing/database";

/**
 * `docker stop` on the real server (server.ts over the build, on PostgreSQL): SIGTERM while a
 * pipeline trains and requests are in flight.
 */
const SHUTDOWN_TIMEOUT_MS = 6000;
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let server: AppServer | undefined;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await importTestKmnist(database.db, store);
  // Something to predict with (the champion falls back to the best model before any promotion).
  await trainAndRegister(database.db, store, { algorithm: "logreg", hyperparameters: { epochs: 1 } });
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await database?.cleanup();
  await store?.cleanup();
});

const env = () => ({ DATABASE_URL: database.url!, STORAGE_DIR: store.root, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), JOB_RETRY_BASE_MS: "100" });

async function predict(url: string, pixels: number[]): Promise<string> {
  const response = await fetch(`${url}/api/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pixels }) });
  expect(response.status).toBe(200);
  return (await response.json()).predictionId;
}

/** A request whose body arrives in two halves, `gapMs` apart: in flight across the signal. */
function slowPredict(url: string, pixels: number[], gapMs: number, halfway: () => void): Promise<{ status: number; body: { predictionId: string } }> {
  const body = JSON.stringify({ pixels });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/api/predict`,
      { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    request.on("error", reject);
    request.write(body.slice(0, body.length / 2));
    setTimeout(() => {
      halfway();
      setTimeout(() => request.end(body.slice(body.length / 2)), gapMs);
    }, 200);
  });
}

describe("SIGTERM on the running server", () => {
  it("finishes requests in flight, keeps every logged prediction, interrupts training without using an attempt, and resumes it", async () => {
    server = await startAppServer(env());
    const [job] = await database.db
      .insert(jobs)
      .values({
        name: "train-pipeline",
        payload: {
          trigger: "event",
          actor: "shutdown-test",
          algorithms: ["cnn"],
          hyperparameters: { cnn: { epochs: 2, filters: 8, dropout: 0, augment: false } },
        },
        maxAttempts: 3,
      })
      .returning();
    for (
      let i = 0;
      (
        await database.db
          .select()
          .from(trainingRuns)
          .where(and(eq(trainingRuns.algorithm, "cnn"), eq(trainingRuns.status, "running")))
      ).length === 0;
      i++
    ) {
      if (i > 600) throw new Error(`training never started:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // A vertical bar of ink: any character-like input will do.
    const pixels = Array.from({ length: 784 }, (_, i) => (i % 28 >= 12 && i % 28 <= 15 && i > 100 && i < 680 ? 255 : 0));
    const answered = await Promise.all(Array.from({ length: 40 }, () => predict(server!.url, pixels)));
    let signalledAt = 0;
    const inFlight = slowPredict(server.url, pixels, 500, () => {
      signalledAt = performance.now();
      server!.process.kill("SIGTERM");
    });
    const late = await inFlight;
    expect(late.status).toBe(200);
    const { code } = await server.exited;
    const exitMs = performance.now() - signalledAt;
    console.info(`SIGTERM while training: exited ${Math.round(exitMs)} ms after the signal (SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS})`);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    const output = server.output();
    for (const step of ["job runner: no new jobs", "http server", "job runner", "prediction log", "worker threads", "database"])
      expect(output).toMatch(new RegExp(`shutdown: ${step}[^"]* done`));
    expect(output).toMatch(/shutdown complete/);

    const ids = [...answered, late.body.predictionId];
    expect(await database.db.select({ id: predictions.id }).from(predictions).where(inArray(predictions.id, ids))).toHaveLength(ids.length);
    expect((await database.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]).toMatchObject({
      status: "pending",
      attempts: 0,
      lastError: "interrupted by shutdown",
    });
    expect((await database.db.select().from(trainingRuns).where(eq(trainingRuns.algorithm, "cnn")))[0]).toMatchObject({ status: "interrupted" });

    server = await startAppServer(env());
    for (let i = 0; ; i++) {
      const [now] = await database.db.select().from(jobs).where(eq(jobs.id, job.id));
      if (now.status === "succeeded") {
        expect(now.attempts).toBe(1);
        break;
      }
      if (i > 1200) throw new Error(`the resumed job did not finish:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
  }, 300_000);
});
