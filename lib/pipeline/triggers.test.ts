import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelineRuns, predictions } from "@/db/schema";
import { promote, registerModelVersion } from "@/lib/registry";
import { treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";

/** The live-accuracy trigger on PostgreSQL: reviewed feedback on the champion's answers, two windows. */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;
let championId: number;
const WINDOW = 20;

beforeAll(async () => {
  process.env.RETRAIN_ACCURACY_WINDOW = String(WINDOW);
  process.env.RETRAIN_ACCURACY_DROP = "0.1";
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  championId = (await registerModelVersion(database.db, store, { artifact: treeArtifact("live") })).id;
  await promote(database.db, championId, { actor: "tests", reason: "serve it" });
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

/** `n` reviewed answers of the champion, `right` of them confirmed, given at `start` + i seconds. */
async function answers(n: number, right: number, start: Date, review: "approved" | "rejected" | "pending" = "approved") {
  await database.db.insert(predictions).values(
    Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      ts: new Date(start.getTime() + i * 1000),
      modelVersionId: championId,
      input: new Uint8Array(784),
      probabilities: new Array(10).fill(0.1),
      predicted: 3,
      confidence: 0.1,
      latencyMs: 1,
      feedbackLabel: i < right ? 3 : 4,
      feedbackKind: i < right ? ("confirmed" as const) : ("corrected" as const),
      feedbackAt: new Date(start.getTime() + i * 1000),
      reviewStatus: review,
    })),
  );
}

describe("liveAccuracyTrigger", () => {
  it("waits for two full windows, fires on a drop of RETRAIN_ACCURACY_DROP, and not twice for the same answers", async () => {
    const { liveAccuracyTrigger } = await import("./triggers");
    const t0 = new Date(Date.now() - 3_600_000);
    await answers(WINDOW, 19, t0);
    // Unreviewed and rejected feedback never counts.
    await answers(WINDOW, 0, new Date(t0.getTime() + 100_000), "pending");
    await answers(WINDOW, 0, new Date(t0.getTime() + 200_000), "rejected");
    expect(await liveAccuracyTrigger(database.db)).toMatchObject({
      due: false,
      detail: { reason: `not enough reviewed feedback for live@1: ${WINDOW} of ${2 * WINDOW} (two windows of RETRAIN_ACCURACY_WINDOW)` },
    });

    // 95 % → 85 %: down 10 points, exactly the threshold.
    await answers(WINDOW, 17, new Date(t0.getTime() + 300_000));
    const fired = await liveAccuracyTrigger(database.db);
    expect(fired).toMatchObject({ due: true, detail: { liveAccuracy: { before: 0.95, after: 0.85, window: WINDOW } } });
    expect(fired.detail.reason).toBe(
      "live accuracy of live@1 on reviewed feedback 95.0% → 85.0% over two windows of 20 (down 10.0 points; RETRAIN_ACCURACY_DROP = 10.0)",
    );

    // A pipeline run started after those answers: the same windows do not trigger again.
    await database.db.insert(pipelineRuns).values({ trigger: "accuracy", actor: "monitoring" });
    expect(await liveAccuracyTrigger(database.db)).toMatchObject({
      due: false,
      detail: { reason: expect.stringMatching(/already answered by a later pipeline run$/) },
    });
  });

  it("does not fire when accuracy holds", async () => {
    const { liveAccuracyTrigger } = await import("./triggers");
    const now = Date.now();
    await answers(WINDOW, 17, new Date(now + 1_000_000));
    await answers(WINDOW, 16, new Date(now + 2_000_000));
    expect(await liveAccuracyTrigger(database.db)).toMatchObject({ due: false, detail: { liveAccuracy: { before: 0.85, after: 0.8 } } });
  });
});
