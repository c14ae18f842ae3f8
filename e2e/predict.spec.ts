import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { parseIdx } from "../lib/data/idx";
import { offlineSplitOf } from "../lib/data/protocol";
import { kmnistPng } from "../lib/testing/images";

const KMNIST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));

async function probabilities(page: Page): Promise<number[]> {
  const items = page.getByTestId("probabilities").locator("li");
  await expect(items).toHaveCount(10);
  return await items.evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-p"))));
}

test("drawing a stroke with the mouse shows a prediction with ten probabilities", async ({ page }, testInfo) => {
  await page.goto("/");
  const canvas = page.getByTestId("drawing-canvas");
  const box = (await canvas.boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(0.3, 0.2));
  await page.mouse.down();
  for (const [fx, fy] of [
    [0.35, 0.5],
    [0.45, 0.75],
    [0.7, 0.6],
    [0.6, 0.3],
  ])
    await page.mouse.move(...at(fx, fy), { steps: 8 });
  await page.mouse.up();

  await expect(page.getByTestId("predicted-char")).toHaveText(/^[おきすつなはまやれを]$/);
  const ps = await probabilities(page);
  expect(ps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  await expect(page.getByTestId("answering-model")).toContainText("kmnist-cnn@1");
  await expect(page.getByTestId("preprocessed-view")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("predict-drawing.png"), fullPage: true });

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("predicted-char")).toHaveCount(0);
});

test("uploading real KMNIST holdout images at 280x280 reads at least 9 of 10 correctly", async ({ page }, testInfo) => {
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  const labels = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-labels-idx1-ubyte.gz"))).data;
  const chars = "おきすつなはまやれを";
  // The first holdout image of each class: one per character.
  const split = offlineSplitOf(labels);
  const chosen = Array.from({ length: 10 }, (_, c) => labels.findIndex((l, i) => l === c && split[i] === "holdout"));

  await page.goto("/");
  let correct = 0;
  for (const index of chosen) {
    const png = await kmnistPng(images.subarray(index * 784, (index + 1) * 784), 280);
    const responded = page.waitForResponse((r) => r.url().includes("/api/predict") && r.request().method() === "POST");
    await page.getByTestId("upload-input").setInputFiles({ name: `kmnist-${index}.png`, mimeType: "image/png", buffer: png });
    await responded;
    await expect(page.getByText(`For kmnist-${index}.png`)).toBeVisible();
    if ((await page.getByTestId("predicted-char").textContent()) === chars[labels[index]]) correct++;
  }
  await page.screenshot({ path: testInfo.outputPath("predict-upload.png"), fullPage: true });
  console.log(`uploads read correctly: ${correct} of ${chosen.length}`);
  expect(correct).toBeGreaterThanOrEqual(9);
});

test("an unreadable upload shows the server's explanation", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("upload-input").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not really a png") });
  await expect(page.getByTestId("predict-error")).toContainText("not a readable image");
});

test("the API is documented", async ({ page, request }) => {
  const doc = await (await request.get("/api/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toContain("/api/predict");
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "POST /api/predict" })).toBeVisible();
});
