import { expect, test } from "@playwright/test";
import { withParams } from "./url";

/** e2e/serve.sh trains logreg, tree and a small CNN, then benchmarks and explains them. */
test("the models table sorts and filters on the server, and a model page shows its benchmarks and explanations", async ({ page, request }, testInfo) => {
  const benchmarks = (await (await request.get("/api/benchmarks?sort=accuracy&order=desc")).json()).rows as Array<{ model: string; accuracy: number }>;
  const ranked = benchmarks.map((b) => b.model);

  await page.goto("/models");
  const table = page.getByTestId("models-table");
  await table.getByRole("link", { name: "Accuracy (primary tag)" }).click();
  await expect(page).toHaveURL(withParams({ sort: "accuracy", order: "desc" }));
  const firstCells = table.getByRole("row").locator("td:first-child");
  await expect(firstCells).toHaveText(ranked.map((name) => new RegExp(`^${name}@1`)));
  await table.getByRole("link", { name: "Accuracy (primary tag)" }).click();
  await expect(page).toHaveURL(withParams({ sort: "accuracy", order: "asc" }));
  await expect(firstCells).toHaveText([...ranked].reverse().map((name) => new RegExp(`^${name}@1`)));

  await page.getByLabel("Algorithm").fill("logreg");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(withParams({ algorithm: "logreg" }));
  await expect(firstCells).toHaveText([/^kmnist-logreg@1/]);
  await page.getByRole("link", { name: "Clear" }).click();
  await page.screenshot({ path: testInfo.outputPath("models.png"), fullPage: true });

  await page.getByRole("link", { name: "kmnist-cnn@1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("kmnist-cnn@1");
  await expect(page.getByTestId("hyperparameters")).toContainText("filters");
  const cnn = benchmarks.find((b) => b.model === "kmnist-cnn")!;
  await expect(page.getByTestId("benchmark-accuracy")).toContainText(`${(cnn.accuracy * 100).toFixed(2)}% ±`);
  await expect(page.getByTestId("benchmark-history").getByRole("row")).toHaveCount(2);
  await expect(page.getByTestId("metric-over-time")).toBeVisible();
  // A CNN is explained by integrated gradients and KernelSHAP: ten class means each.
  const explanations = page.getByTestId("explanations");
  await expect(explanations.getByText("Integrated gradients")).toBeVisible();
  await expect(explanations.getByText(/KernelSHAP/)).toBeVisible();
  await expect(explanations.getByRole("img", { name: /mean for/ })).toHaveCount(20);
  await page.screenshot({ path: testInfo.outputPath("model.png"), fullPage: true });

  const href = await page.getByRole("link", { name: "Download artifact" }).getAttribute("href");
  const artifact = await request.get(href!);
  expect(artifact.headers()["content-type"]).toBe("application/zip");
  expect((await artifact.body()).subarray(0, 2).toString()).toBe("PK");
});

test("compare puts two models side by side on the same data, best values highlighted", async ({ page }, testInfo) => {
  await page.goto("/compare");
  await expect(page.getByText("Pick two to 6 model versions")).toBeVisible();
  const picker = page.getByTestId("compare-picker");
  await picker.getByLabel(/kmnist-cnn@1/).check();
  await picker.getByLabel(/kmnist-tree@1/).check();
  await picker.getByRole("button", { name: "Compare" }).click();

  const table = page.getByTestId("compare-table");
  await expect(table.getByRole("columnheader")).toHaveText(["Metric", "kmnist-cnn@1", "kmnist-tree@1"]);
  // The CNN is the better model: its accuracy cell is the highlighted one.
  const accuracy = table.getByRole("row", { name: /^Accuracy/ });
  await expect(accuracy.locator("td").nth(1)).toHaveAttribute("data-best", "true");
  await expect(accuracy.locator("td").nth(2)).not.toHaveAttribute("data-best", "true");
  await expect(page.getByTestId("roc-chart").locator(".recharts-line")).toHaveCount(2);
  await expect(page.getByTestId("class-bars")).toBeVisible();
  await expect(page.getByTestId("confusion-matrix")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("compare.png"), fullPage: true });

  await page.goto("/compare?v=abc");
  await expect(page.getByText("These model versions are not valid")).toBeVisible();
});
