import { expect, test } from "@playwright/test";
import { withParams } from "./url";

/** e2e/serve.sh trains three models and runs the benchmark engine once before the server starts. */
test("benchmarks are listed, sortable, filterable, and open with their metrics", async ({ page, request }, testInfo) => {
  const api = await (await request.get("/api/benchmarks?sort=accuracy&order=desc")).json();
  expect(api.total).toBe(3);
  const best = api.rows[0];

  await page.goto("/benchmarks");
  const table = page.getByTestId("benchmarks-table");
  await expect(table.getByRole("row")).toHaveCount(4);
  await expect(table.getByRole("row", { name: /kmnist-cnn@1/ })).toContainText("done");

  await table.getByRole("link", { name: "Accuracy (95 %)" }).click();
  await expect(page).toHaveURL(withParams({ sort: "accuracy", order: "desc" }));
  await expect(table.getByRole("row").nth(1)).toContainText(`${best.model}@${best.version}`);
  await page.screenshot({ path: testInfo.outputPath("benchmarks.png"), fullPage: true });

  await page.getByLabel("Search").fill("tree");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(withParams({ q: "tree" }));
  await expect(table.getByRole("row")).toHaveCount(2);
  await page.getByRole("link", { name: "Clear" }).click();

  await page.getByRole("link", { name: `${best.model}@${best.version}` }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${best.model}@${best.version}`);
  await expect(page.getByTestId("benchmark-accuracy")).toContainText(`${(best.accuracy * 100).toFixed(2)}% ±`);
  await expect(page.getByTestId("confusion-matrix")).toBeVisible();
  await expect(page.getByTestId("roc-chart").locator(".recharts-line")).toHaveCount(10);
  await expect(page.getByTestId("per-class-table").getByRole("row")).toHaveCount(11);
  await expect(page.getByText(/Explanation of this model version: done/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("benchmark.png"), fullPage: true });
});

test("invalid benchmark filters and ids get a clear message", async ({ page }) => {
  await page.goto("/benchmarks?pageSize=5000");
  await expect(page.getByText("These filters are not valid")).toBeVisible();
  // The root loading state streams the page before notFound() runs, so Next answers 200
  // (with noindex) and renders the not-found page.
  await page.goto("/benchmarks/not-a-number");
  await expect(page.getByText("Page not found")).toBeVisible();
  await page.goto("/benchmarks/999999");
  await expect(page.getByText("Page not found")).toBeVisible();
});

test("the leaderboard ranks the best model per algorithm on kmnist-holdout", async ({ page, request }, testInfo) => {
  const best = await (await request.get("/api/benchmarks/best")).json();
  await page.goto("/leaderboard");
  const board = page.getByTestId("leaderboard-kmnist-holdout");
  await expect(board.getByRole("row")).toHaveCount(4);
  await expect(board.getByRole("row").nth(1)).toContainText(`${best.byTag[0].model}@${best.byTag[0].version}`);
  await expect(board.getByRole("row").nth(1)).toContainText("leader");
  await page.screenshot({ path: testInfo.outputPath("leaderboard.png"), fullPage: true });
});
