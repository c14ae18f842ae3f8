import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { parseIdx } from "../lib/data/idx";
import { ALICE, signIn } from "./people";

const KMNIST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));
const percent = (v: number) => `${(v * 100).toFixed(2)}%`;
type Row = { id: number; model: string; version: number; modelVersionId: number; accuracy: number; sampleCount: number; tag: string };

/** Full-page screenshots at a desk (1440 px) and on a phone (390 px). */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: testInfo.outputPath(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

/**
 * Runs in the "writes" project: feedback on two images becomes a small `kmnist-feedback`
 * version that every model is benchmarked on. The headlines must stay on the holdout, the
 * feedback figures must show their n and a small-sample mark, and nothing is crowned there.
 */
test("after feedback, headlines stay on the holdout with n and intervals; small samples are marked; a confusion cell opens its images", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(180_000);
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  const feedbackSizes = async () =>
    ((await (await request.get("/api/benchmarks?tag=kmnist-feedback&status=done&pageSize=100")).json()).rows as Row[]).map((r) => r.sampleCount);
  const before = Math.max(0, ...(await feedbackSizes()));
  const ids: string[] = [];
  for (const k of [3, 4]) {
    const answer = await (await request.post("/api/predict", { data: { pixels: Array.from(images.subarray(k * 784, (k + 1) * 784)) } })).json();
    expect((await request.post("/api/feedback", { data: { predictionId: answer.predictionId, correct: true } })).status()).toBe(201);
    ids.push(answer.predictionId);
  }
  // Feedback waits for review: an admin approves these two in the queue.
  await page.goto("/admin/review");
  await signIn(page, ALICE);
  await expect(page.getByRole("heading", { level: 1, name: "Review feedback" })).toBeVisible();
  for (const id of ids) await page.getByLabel(`select feedback ${id}`).check();
  await page.getByRole("button", { name: /^Approve/ }).click();
  await expect(page.getByRole("status")).toContainText("Approved 2");
  await page.screenshot({ path: testInfo.outputPath("review-1440.png"), fullPage: true });
  // The monitoring job ingests the feedback as a new, larger version of kmnist-feedback; the
  // benchmark engine then runs every follower on it. Wait until that version is benchmarked and nothing is queued.
  const queued = async () =>
    (
      await Promise.all(["pending", "running"].map(async (status) => (await (await request.get(`/api/benchmarks?status=${status}`)).json()).total as number))
    ).reduce((a, b) => a + b);
  await expect.poll(async () => Math.max(0, ...(await feedbackSizes())), { timeout: 120_000, intervals: [1000] }).toBeGreaterThanOrEqual(before + 2);
  await expect.poll(queued, { timeout: 120_000, intervals: [1000] }).toBe(0);
  const feedbackSize = Math.max(...(await feedbackSizes()));
  expect(feedbackSize).toBeLessThan(200);
  // The pipeline's three models (the admin spec also uploaded a copy of the tree).
  const holdout = ((await (await request.get("/api/benchmarks?tag=kmnist-holdout&status=done&sort=accuracy&order=desc")).json()).rows as Row[]).filter((r) =>
    r.model.startsWith("kmnist-"),
  );
  const cnn = holdout.find((r) => r.model === "kmnist-cnn")!;

  // Models: every headline is the holdout figure with n = 2,000; no feedback figure leaks in.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/models");
  const models = page.getByTestId("models-table");
  expect(holdout).toHaveLength(3);
  for (const row of holdout) {
    await expect(models.getByRole("row", { name: new RegExp(`${row.model}@1`) })).toContainText(`${percent(row.accuracy)} ±`);
  }
  expect(await models.getByText("n = 2,000").count()).toBeGreaterThanOrEqual(3);
  await expect(models.getByText("small sample")).toHaveCount(0);
  await shoot(page, testInfo, "models");

  // Overview: the champion card headlines the holdout; feedback appears apart, marked.
  await page.goto("/overview");
  await expect(page.getByTestId("champion-accuracy")).toContainText(`${percent(cnn.accuracy)} ±`);
  const others = page.getByTestId("champion-other-tags");
  // (An imported source's holdout, from the imports spec, may be listed too.)
  const feedbackRow = others.getByRole("listitem").filter({ hasText: "kmnist-feedback" });
  await expect(feedbackRow).toContainText(`n = ${feedbackSize}`);
  await expect(feedbackRow.getByText("small sample")).toBeVisible();
  await shoot(page, testInfo, "overview");

  // Leaderboard: opens on the holdout with a leader; on feedback nobody leads.
  await page.goto("/leaderboard");
  const board = page.getByTestId("leaderboard-kmnist-holdout");
  await expect(board.getByTestId("standing-leader")).toHaveCount(1);
  await expect(board.getByRole("row").nth(1)).toContainText("kmnist-cnn@1");
  await shoot(page, testInfo, "leaderboard");
  await page.getByTestId("leaderboard-tags").getByRole("link", { name: "kmnist-feedback" }).click();
  const small = page.getByTestId("leaderboard-kmnist-feedback");
  await expect(small.getByTestId("standing-small_sample")).toHaveCount(3);
  await expect(small.getByTestId("standing-leader")).toHaveCount(0);
  await expect(small).toContainText("No leader");
  await shoot(page, testInfo, "leaderboard-feedback");

  // Compare: defaults to the holdout version (not the newer, tiny feedback one), with the paired test.
  const tree = holdout.find((r) => r.model === "kmnist-tree")!;
  await page.goto(`/compare?v=${cnn.modelVersionId}&v=${tree.modelVersionId}`);
  await expect(page.getByTestId("compare-tag")).toHaveValue("kmnist-holdout");
  await expect(page.getByTestId("compare-n")).toHaveText(["2,000", "2,000"]);
  await expect(page.getByTestId("paired-tests").getByRole("row")).toHaveCount(2);
  await expect(page.getByTestId("mcnemar-p")).toHaveText(/^\d/);
  await expect(page.getByTestId("paired-tests")).toContainText("kmnist-cnn@1 is better");
  await shoot(page, testInfo, "compare");

  // The CNN's holdout benchmark: PR curves, and a click on its largest confusion shows those images.
  const detail = await (await request.get(`/api/benchmarks/${cnn.id}`)).json();
  const matrix = detail.metrics.confusion_matrix as number[][];
  let [actual, predicted] = [0, 1];
  for (let t = 0; t < 10; t++) for (let p = 0; p < 10; p++) if (t !== p && matrix[t][p] > matrix[actual][predicted]) [actual, predicted] = [t, p];
  await page.goto(`/benchmarks/${cnn.id}`);
  await expect(page.getByTestId("benchmark-sample")).toContainText("n = 2,000");
  await expect(page.getByTestId("pr-chart").locator(".recharts-line")).toHaveCount(10);
  await shoot(page, testInfo, "benchmark");
  await page.getByTestId(`confusion-cell-${actual}-${predicted}`).click();
  await expect(page).toHaveURL(new RegExp(`/benchmarks/${cnn.id}/cell\\?actual=${actual}&predicted=${predicted}$`));
  await expect(page.getByTestId("cell-count")).toContainText(`${matrix[actual][predicted]} image`);
  await expect(
    page
      .getByTestId("cell-images")
      .getByRole("listitem")
      .filter({ has: page.getByRole("img") }),
  ).toHaveCount(Math.min(60, matrix[actual][predicted]));
  await shoot(page, testInfo, "confusion-cell");

  // Hostile or stale cell addresses get a page that says what is wrong.
  await page.goto(`/benchmarks/${cnn.id}/cell?actual=x&predicted=99`);
  await expect(page.getByText("Which cell?")).toBeVisible();
  await page.goto(`/benchmarks/${cnn.id}/cell?actual=${actual}&predicted=${predicted}&page=999999`);
  await expect(
    page
      .getByTestId("cell-images")
      .getByRole("listitem")
      .filter({ has: page.getByRole("img") })
      .first(),
  ).toBeVisible();
  await page.goto("/benchmarks/999999/cell?actual=1&predicted=2");
  await expect(page.getByText("Page not found")).toBeVisible();
});
