import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { parseIdx } from "../lib/data/idx";
import { kmnistPng } from "../lib/testing/images";

const KMNIST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));
const CHARS = "おきすつなはまやれを";

/** Runs in the "writes" project: feedback becomes a dataset version, which changes the benchmark counts. */
test("a person corrects a prediction; the monitoring page shows the log, the feedback and the class distribution", async ({ page, request }, testInfo) => {
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  await page.goto("/");
  const png = await kmnistPng(images.subarray(0, 784), 280);
  await page.getByTestId("upload-input").setInputFiles({ name: "kmnist-0.png", mimeType: "image/png", buffer: png });
  await expect(page.getByText("For kmnist-0.png")).toBeVisible();
  const predicted = (await page.getByTestId("predicted-char").textContent())!;
  const other = CHARS[(CHARS.indexOf(predicted) + 1) % 10];

  const feedback = page.getByTestId("prediction-feedback");
  await feedback.getByRole("button", { name: "No, it is…" }).click();
  const sent = page.waitForResponse((r) => r.url().endsWith("/api/feedback"));
  await feedback.getByRole("button", { name: `It is ${other}` }).click();
  expect((await sent).status()).toBe(201);
  await expect(page.getByTestId("feedback-thanks")).toContainText(`recorded as ${other} (corrected)`);
  await page.screenshot({ path: testInfo.outputPath("feedback.png"), fullPage: true });

  await page.goto("/monitoring");
  await expect(page.getByRole("heading", { level: 1, name: "Monitoring" })).toBeVisible();
  expect(Number(await page.getByTestId("monitoring-predictions").textContent())).toBeGreaterThanOrEqual(1);
  expect(Number(await page.getByTestId("monitoring-feedback").textContent())).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("volume-chart")).toBeVisible();
  await expect(page.getByTestId("class-bars")).toBeVisible();
  await expect(page.getByTestId("feedback-chart")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("monitoring.png"), fullPage: true });

  // Hostile feedback gets a clear 4xx.
  const bad = await request.post("/api/feedback", { data: { predictionId: "nope", label: 99 } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).error.message).toMatch(/predictionId/);
});
