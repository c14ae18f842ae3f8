import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ALICE, signIn } from "./people";

/**
 * A data scientist brings a model trained in PyTorch (lib/ml/fixtures/foreign/torch-cnn.onnx,
 * which no code of this project wrote): upload through the admin form with its metadata, see
 * it benchmarked on the holdout by ONNX Runtime, predict with it, download it back.
 * Runs last (it adds a model the read-only and earlier write specs do not expect).
 */
const FIXTURES = path.join(process.cwd(), "lib/ml/fixtures/foreign");
const onnxModel = fs.readFileSync(path.join(FIXTURES, "torch-cnn.onnx"));
const measured = JSON.parse(fs.readFileSync(path.join(FIXTURES, "metadata.json"), "utf8"))["torch-cnn.onnx"] as { holdoutAccuracy: number };

test("an admin uploads a PyTorch ONNX model with its metadata and sees its benchmark", async ({ page, request }, testInfo) => {
  await page.goto("/admin/upload");
  await signIn(page, ALICE);
  await expect(page).toHaveURL(/\/admin\/upload$/);
  await page.getByLabel(/Model file/).setInputFiles({ name: "torch-cnn.onnx", mimeType: "application/octet-stream", buffer: onnxModel });
  const fields = page.getByTestId("onnx-fields");
  await expect(fields).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("torch-cnn");
  await page.getByLabel("Name", { exact: true }).fill("torch-cnn-e2e");
  await fields.getByLabel("Input layout").selectOption("nchw");
  await fields.getByLabel("Pixel scale").selectOption("0-1");
  await fields.getByLabel("Polarity").selectOption("white-on-black");
  await fields.locator("select[name=output]").selectOption("logits");
  await page.screenshot({ path: testInfo.outputPath("upload-onnx-form.png"), fullPage: true });

  // A wrong declaration is refused by name before anything is stored.
  await fields.locator("select[name=output]").selectOption("probabilities");
  await page.getByRole("button", { name: "Upload and register" }).click();
  await expect(page.getByTestId("upload-form").getByRole("alert")).toContainText('declare output "logits"');
  await fields.locator("select[name=output]").selectOption("logits");
  await page.getByRole("button", { name: "Upload and register" }).click();
  await expect(page.getByRole("status")).toContainText("Registered as torch-cnn-e2e@1");

  // Benchmarked on the holdout by ONNX Runtime, to the accuracy Python measured.
  const done = async () =>
    (await (await request.get("/api/benchmarks?model=torch-cnn-e2e&tag=kmnist-holdout&status=done")).json()) as {
      rows: Array<{ id: number; accuracy: number; modelVersionId: number }>;
    };
  await expect.poll(async () => (await done()).rows.length, { timeout: 120_000, intervals: [1000] }).toBe(1);
  const [benchmark] = (await done()).rows;
  expect(Math.abs(benchmark.accuracy - measured.holdoutAccuracy)).toBeLessThanOrEqual(0.001);

  await page.getByRole("status").getByRole("link", { name: "torch-cnn-e2e@1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("torch-cnn-e2e");
  await expect(page.getByTestId("model-runtime")).toContainText("ONNX (imported; pytorch");
  await expect(page.getByTestId("model-runtime")).toContainText("input 1x28x28, 0-1, white-ink-on-black, logits");
  await expect(page.getByTestId("download-onnx")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("onnx-model.png"), fullPage: true });

  await page.goto(`/benchmarks/${benchmark.id}`);
  await expect(page.getByText(/onnxruntime backend/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("onnx-benchmark.png"), fullPage: true });

  // The same pages on a phone (390 px): the imported model's page and the upload form.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/models/${benchmark.modelVersionId}`);
  await expect(page.getByTestId("model-runtime")).toContainText("ONNX (imported; pytorch");
  await page.screenshot({ path: testInfo.outputPath("onnx-model-390.png"), fullPage: true });
  await page.goto("/admin/upload");
  await page.getByLabel(/Model file/).setInputFiles({ name: "torch-cnn.onnx", mimeType: "application/octet-stream", buffer: onnxModel });
  await expect(page.getByTestId("onnx-fields")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("upload-onnx-form-390.png"), fullPage: true });

  const download = await request.get(`/api/models/versions/${benchmark.modelVersionId}/artifact?format=onnx`);
  expect(download.status()).toBe(200);
  expect(Buffer.from(await download.body()).equals(onnxModel)).toBe(true);
});
