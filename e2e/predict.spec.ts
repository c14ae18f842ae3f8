import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { parseIdx } from "../lib/data/idx";
import { offlineSplitOf } from "../lib/data/protocol";
import { CANVAS_SIDE, penStrokes } from "../lib/testing/handwriting-variants";
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
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/predict", "/api/predict/batch", "/v2/models/{name}/infer", "/metrics"]));
  await page.goto("/docs");
  for (const name of ["POST /api/predict", "POST /api/predict/batch", "POST /v2/models/{name}/infer"]) {
    await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  }
});

test("small drawings read like large ones, a dot is refused, and only finished drawings are recorded", async ({ page, request }, testInfo) => {
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  const labels = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-labels-idx1-ubyte.gz"))).data;
  const split = offlineSplitOf(labels);
  const chosen = [2, 5, 8].map((c) => labels.findIndex((l, i) => l === c && split[i] === "holdout"));
  const predictCalls: Array<{ recorded: boolean; status: number }> = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/predict") && r.request().method() === "POST")
      predictCalls.push({ recorded: !r.url().includes("record=false"), status: r.status() });
  });

  await page.goto("/");
  const canvas = page.getByTestId("drawing-canvas");
  const box = (await canvas.boundingBox())!;
  // Canvas units (280 a side) to screen coordinates.
  const toScreen = ([x, y]: readonly [number, number]) => [box.x + (x / CANVAS_SIDE) * box.width, box.y + (y / CANVAS_SIDE) * box.height] as const;
  async function draw(strokes: Array<Array<[number, number]>>) {
    for (const stroke of strokes) {
      await page.mouse.move(...toScreen(stroke[0]));
      await page.mouse.down();
      for (const point of stroke.filter((_, k) => k % 3 === 0).slice(1)) await page.mouse.move(...toScreen(point));
      await page.mouse.move(...toScreen(stroke[stroke.length - 1]));
      await page.mouse.up();
    }
  }

  for (const [n, index] of chosen.entries()) {
    const pixels = images.subarray(index * 784, (index + 1) * 784);
    // Drawn at 30 % of the canvas; the API's answer for the same strokes at full size is what the page should show.
    const small = await penStrokes(pixels, 0.3, index);
    const large = await penStrokes(pixels, 1, index);
    const expected = (await (await request.post("/api/predict?record=false", { data: { strokes: large } })).json()) as { char: string };
    await page.getByRole("button", { name: "Clear" }).click({ force: true });
    await draw(small);
    await expect(page.getByTestId("predicted-char")).toHaveText(/^[おきすつなはまやれを]$/);
    // A preview until the drawing is finished: nothing to give feedback on yet.
    await expect(page.getByTestId("drawing-status")).toContainText("Preview");
    await expect(page.getByTestId("prediction-feedback")).toHaveCount(0);
    // The first and last are finished with Done, the middle one by pausing.
    if (n !== 1) await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("drawing-status")).toHaveText("Recorded.", { timeout: 5000 });
    await expect(page.getByTestId("prediction-feedback")).toBeVisible();
    await expect(page.getByTestId("predicted-char")).toHaveText(expected.char);
    console.log(`small drawing of ${"おきすつなはまやれを"[labels[index]]}: read as ${expected.char}`);
  }
  await page.screenshot({ path: testInfo.outputPath("predict-small-drawing.png"), fullPage: true });

  await page.getByRole("button", { name: "Clear" }).click();
  await draw([[[150, 150]]]);
  await expect(page.getByTestId("predict-refused")).toContainText("Not a character");
  await expect(page.getByTestId("prediction-feedback")).toHaveCount(0);
  await page.waitForTimeout(2000);
  await expect(page.getByTestId("predict-refused")).toBeVisible();

  // Recorded: the three finished characters only (previews and the refused dot are not).
  const recordedAnswers = predictCalls.filter((c) => c.recorded && c.status === 200);
  expect(recordedAnswers).toHaveLength(3);
  expect(predictCalls.filter((c) => !c.recorded).length).toBeGreaterThan(3);
  expect(predictCalls.some((c) => c.recorded && c.status === 422)).toBe(true);
});
