import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { zipSync } from "fflate";
import { parseIdx } from "../lib/data/idx";
import { kmnistPng } from "../lib/testing/images";
import { ALICE, signIn } from "./people";

const KMNIST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));

/**
 * The continuous-learning walk, in the "writes" project after the specs that count models:
 * an admin approves feedback in the review queue, imports a batch of new handwriting and
 * watches it run, creates a tag, and finds the retraining the new data triggered on the
 * training page (e2e/serve.sh: RETRAIN_MIN_NEW_RECORDS=100, the pipeline trains a quick logreg).
 */
test("approve feedback, import a batch, create a tag, see the retraining the data triggers", async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  const labels = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-labels-idx1-ubyte.gz"))).data;
  await page.setViewportSize({ width: 1440, height: 900 });

  // Feedback from an anonymous visitor waits in the queue until an admin approves it.
  const answer = await (await request.post("/api/predict", { data: { pixels: Array.from(images.subarray(7 * 784, 8 * 784)) } })).json();
  expect((await request.post("/api/feedback", { data: { predictionId: answer.predictionId, label: labels[7] } })).status()).toBe(201);
  await page.goto("/admin/review");
  await signIn(page, ALICE);
  await page.getByLabel(`select feedback ${answer.predictionId}`).check();
  await page.getByRole("button", { name: /^Approve/ }).click();
  await expect(page.getByRole("status")).toContainText("Approved 1");

  // 150 holdout images drawn one pixel lower: about 120 land in the training tag, past RETRAIN_MIN_NEW_RECORDS.
  const files: Record<string, Uint8Array> = {};
  const rows = ["file,label"];
  for (let k = 100; k < 250; k++) {
    const lower = new Uint8Array(784);
    for (let y = 1; y < 28; y++) for (let x = 0; x < 28; x++) lower[y * 28 + x] = images[k * 784 + (y - 1) * 28 + x];
    files[`${k}.png`] = await kmnistPng(lower, 56);
    rows.push(`${k}.png,${labels[k]}`);
  }
  await page.goto("/admin/imports");
  const form = page.getByTestId("import-form");
  await form.getByLabel(/^Source/).fill("lower-style");
  await form
    .getByLabel(/^Zip:/)
    .setInputFiles({ name: "lower.zip", mimeType: "application/zip", buffer: Buffer.from(zipSync({ ...files, "labels.csv": Buffer.from(rows.join("\n")) })) });
  await form.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-status")).toContainText("done", { timeout: 60_000 });
  await expect(page.getByTestId("import-report")).toContainText("Accepted150");

  // A tag of the user's own: three hard classes of the KMNIST holdout.
  await page.goto("/datasets");
  const create = page.getByTestId("tag-create-form");
  await create.getByTestId("tag-name").fill("e2e-hard-classes");
  await create.getByTestId("tag-description").fill("Classes 2, 5 and 8 of the KMNIST holdout");
  await create.getByTestId("tag-source-kmnist").check();
  await create.getByTestId("tag-split").selectOption("holdout");
  for (const c of [2, 5, 8]) await create.getByTestId(`tag-class-${c}`).check();
  await create.getByTestId("tag-save").click();
  await expect(create.getByRole("status")).toContainText("Created e2e-hard-classes");
  await page.screenshot({ path: testInfo.outputPath("datasets-1440.png"), fullPage: true });
  await page.goto("/datasets/e2e-hard-classes");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("e2e-hard-classes");
  await expect(page.getByTestId("tag-edit")).toBeVisible();

  // The import's training records triggered a pipeline run; the training page says why and what it decided.
  await page.goto("/training");
  const run = page
    .getByTestId("pipeline-runs")
    .getByRole("row")
    .filter({ hasText: /data · import \d+/ });
  await expect(run).toBeVisible({ timeout: 120_000 });
  await expect(run).toContainText(/new training records in training/);
  await expect(run).toContainText(/promoted|kept/, { timeout: 180_000 });
  await expect(run.getByTestId("decision-source-test").filter({ hasText: "lower-style-holdout" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("training-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("training-390.png"), fullPage: true });

  // Lineage: the run links to the training data version, which lists what was trained on it.
  await page.setViewportSize({ width: 1440, height: 900 });
  const dataLink = run.getByRole("link", { name: /^training version \d+$/ });
  const versionId = (await dataLink.textContent())!.replace("training version ", "");
  await dataLink.click();
  await expect(page).toHaveURL(new RegExp(`/datasets/training#version-${versionId}$`));
  await expect(page.locator(`[id="version-${versionId}"]`).getByTestId("version-lineage")).toContainText("kmnist-logreg@");
});
