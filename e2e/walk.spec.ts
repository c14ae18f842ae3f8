import { expect, test } from "@playwright/test";

type BenchmarkRow = { id: number; model: string; version: number; accuracy: number; macroF1: number; sampleCount: number; tag: string };
const percent = (v: number) => `${(v * 100).toFixed(2)}%`;

/**
 * The data scientist's walk over what e2e/serve.sh seeded through the real pipeline
 * (three trained models, benchmarked and explained on kmnist-holdout):
 * home → champion model → its benchmark → compare with another model → dataset page.
 */
test("home → model → benchmark → compare two models → dataset page, with real figures", async ({ page, request }, testInfo) => {
  const rows = (await (await request.get("/api/benchmarks?sort=accuracy&order=desc")).json()).rows as BenchmarkRow[];
  const cnn = rows.find((r) => r.model === "kmnist-cnn")!;
  const tree = rows.find((r) => r.model === "kmnist-tree")!;
  // The pipeline promotes the CNN, the best of the three.
  const prediction = await (await request.post("/api/predict", { data: { pixels: new Array(784).fill(0) } })).json();
  expect(prediction.model.name).toBe("kmnist-cnn");

  await page.goto("/overview");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overview");
  await expect(page.getByTestId("count-model-versions")).toHaveText("3");
  await expect(page.getByTestId("count-models")).toHaveText("3");
  await expect(page.getByTestId("count-benchmarks-done")).toHaveText("3");
  await expect(page.getByTestId("count-benchmarks-failed")).toHaveText("0");
  await expect(page.getByTestId("count-datasets")).not.toHaveText("0");
  await expect(page.getByTestId("champion-accuracy")).toContainText(`${percent(cnn.accuracy)} ±`);
  await expect(page.getByTestId("champion-macro-f1")).toContainText(`${cnn.macroF1.toFixed(4)} ±`);
  await expect(page.getByTestId("latest-models").getByRole("row")).toHaveCount(4);
  await expect(page.getByTestId("latest-benchmarks").getByRole("row")).toHaveCount(4);
  await expect(page.getByTestId("component-database")).toContainText("ok");
  await expect(page.getByTestId("component-object-store")).toContainText("ok");
  await page.screenshot({ path: testInfo.outputPath("overview.png"), fullPage: true });

  await page.getByTestId("champion-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("kmnist-cnn@1");
  await expect(page.getByTestId("benchmark-accuracy")).toContainText(`${percent(cnn.accuracy)} ±`);

  await page.getByRole("link", { name: `Benchmark ${cnn.id}`, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/benchmarks/${cnn.id}$`));
  await expect(page.getByRole("heading", { level: 1 })).toContainText("kmnist-cnn@1");
  await expect(page.getByTestId("benchmark-accuracy")).toContainText(`${percent(cnn.accuracy)} ±`);
  await expect(page.getByTestId("per-class-table").getByRole("row")).toHaveCount(11);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compare" }).click();
  const picker = page.getByTestId("compare-picker");
  await picker.getByLabel(/kmnist-cnn@1/).check();
  await picker.getByLabel(/kmnist-tree@1/).check();
  await picker.getByRole("button", { name: "Compare" }).click();
  const accuracy = page
    .getByTestId("compare-table")
    .getByRole("row", { name: /^Accuracy/ })
    .locator("td");
  await expect(accuracy.nth(1)).toContainText(`${percent(cnn.accuracy)} ±`);
  await expect(accuracy.nth(2)).toContainText(`${percent(tree.accuracy)} ±`);
  await expect(accuracy.nth(1)).toHaveAttribute("data-best", "true");

  await page
    .getByTestId("compare-table")
    .getByRole("link", { name: /kmnist-holdout/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("kmnist-holdout");
  const versions = page.getByTestId("dataset-versions");
  await expect(versions.getByRole("row")).toHaveCount(2);
  await expect(versions.getByRole("row").nth(1)).toContainText(cnn.sampleCount.toLocaleString("en-US"));
  await expect(page.getByTestId("mean-images").getByRole("img")).toHaveCount(10);
  await expect(page.getByText("This tag has a single version")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("dataset.png"), fullPage: true });
});
