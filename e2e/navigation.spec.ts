import { expect, test } from "@playwright/test";

const SECTIONS = ["Predict", "Overview", "Models", "Training", "Benchmarks", "Leaderboard", "Datasets", "Compare", "Monitoring", "API"];

test("the sidebar reaches every section", async ({ page }) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of SECTIONS) {
    await nav.getByRole("link", { name: label }).click();
    await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
    await expect(nav.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
  }
});

test("datasets show the offline protocol's split of the real KMNIST files", async ({ page }, testInfo) => {
  await page.goto("/datasets");
  const train = page.getByTestId("tag-kmnist-train");
  const holdout = page.getByTestId("tag-kmnist-holdout");
  await expect(train.getByTestId("record-count")).toHaveText("8,000");
  await expect(holdout.getByTestId("record-count")).toHaveText("2,000");
  await expect(train).toContainText("offline protocol");
  await expect(holdout.getByText("200", { exact: true })).toHaveCount(10);
  await page.screenshot({ path: testInfo.outputPath("datasets.png"), fullPage: true });

  await holdout.getByRole("link", { name: "kmnist-holdout" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("kmnist-holdout");
  const versions = page.getByTestId("dataset-versions");
  await expect(versions.getByRole("row")).toHaveCount(2);
  await expect(versions).toContainText("2,000");
  await expect(page.getByTestId("mean-images").getByRole("img")).toHaveCount(10);
  await expect(page.getByTestId("histogram")).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("dataset.png"), fullPage: true });
});

test("an unknown dataset tag shows the not-found page", async ({ page }) => {
  await page.goto("/datasets/no-such-tag");
  await expect(page.getByText("Page not found")).toBeVisible();
});

test("models trained by the pipeline are listed with their holdout accuracy", async ({ page }, testInfo) => {
  await page.goto("/models");
  const table = page.getByTestId("models-table");
  await expect(table.getByRole("row", { name: /kmnist-logreg@1/ })).toContainText(/\d+\.\d\d%/);
  await expect(table.getByRole("row", { name: /kmnist-tree@1/ })).toContainText("tree");
  await expect(table.getByRole("row", { name: /kmnist-cnn@1/ })).toContainText("cnn");
  await page.screenshot({ path: testInfo.outputPath("models.png"), fullPage: true });
});

test("health reports the database and object store", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.ok).toBe(true);
  expect(body.components.database.ok).toBe(true);
  expect(body.components.objectStore.ok).toBe(true);
});

test("an unknown page shows a not-found message", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Page not found")).toBeVisible();
});

test("the training page offers a run and explains the empty history", async ({ page }, testInfo) => {
  await page.goto("/training");
  await expect(page.getByTestId("start-training")).toBeEnabled();
  await expect(page.getByText("No pipeline runs yet")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("training.png"), fullPage: true });
});

test("the admin section asks anonymous visitors to sign in", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin$/);
});
