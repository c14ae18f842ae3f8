import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { zipSync } from "fflate";
import { parseIdx } from "../lib/data/idx";
import { kmnistPng } from "../lib/testing/images";
import { ALICE, signIn } from "./people";

const KMNIST_DIR = path.resolve(process.env.KMNIST_DIR ?? path.join("..", "shared", "datasets", "kmnist"));

/** Runs in the "writes" project: an import adds a source, its tags and benchmarks. */
test("an admin imports a zip of new handwriting, watches it run and reads the report; every model is benchmarked on its holdout", async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
  const labels = parseIdx(fs.readFileSync(path.join(KMNIST_DIR, "t10k-labels-idx1-ubyte.gz"))).data;
  // Thirty holdout images drawn one pixel to the right (new content, same characters), and one broken file.
  const files: Record<string, Uint8Array> = { "bad.png": Buffer.from("not an image") };
  const rows = ["file,label", "bad.png,0"];
  for (let k = 0; k < 30; k++) {
    const shifted = new Uint8Array(784);
    for (let y = 0; y < 28; y++) for (let x = 1; x < 28; x++) shifted[y * 28 + x] = images[k * 784 + y * 28 + x - 1];
    files[`${k}.png`] = await kmnistPng(shifted, 84);
    rows.push(`${k}.png,${"おきすつなはまやれを"[labels[k]]}`);
  }
  const zip = zipSync({ ...files, "labels.csv": Buffer.from(rows.join("\n")) });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/admin/imports");
  await signIn(page, ALICE);
  await expect(page.getByRole("heading", { level: 1, name: "Import labelled data" })).toBeVisible();
  const form = page.getByTestId("import-form");
  await form.getByLabel(/^Source/).fill("e2e-style");
  await form.getByLabel(/^Zip:/).setInputFiles({ name: "style.zip", mimeType: "application/zip", buffer: Buffer.from(zip) });
  await form.getByRole("button", { name: "Import" }).click();

  await expect(page).toHaveURL(/\/admin\/imports\/\d+$/);
  // The page refreshes itself while the job runs.
  await expect(page.getByTestId("import-status")).toContainText("done", { timeout: 60_000 });
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("Accepted30");
  await expect(page.getByTestId("import-refused")).toContainText("bad.png");
  await expect(page.getByTestId("import-refused")).toContainText("undecodable");
  await expect(page.getByTestId("import-preview").getByRole("img")).toHaveCount(24);
  await page.screenshot({ path: testInfo.outputPath("import-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath("import-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Its holdout part is a tag every model follows: the benchmark engine runs them on it.
  await expect
    .poll(async () => (await (await request.get("/api/benchmarks?tag=e2e-style-holdout&status=done")).json()).total, { timeout: 90_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(3);
  await page.getByRole("link", { name: "e2e-style-holdout" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("e2e-style-holdout");

  // The list shows the import; a hostile request is refused by name.
  await page.goto("/admin/imports");
  await expect(page.getByTestId("imports-table")).toContainText("e2e-style");
  const hostile = await page.request.post("/api/datasets/imports", {
    multipart: { source: "../../etc", file: { name: "x.zip", mimeType: "application/zip", buffer: Buffer.from(zip) } },
  });
  expect(hostile.status()).toBe(422);
  expect((await hostile.json()).error.message).toMatch(/lower-case/);
});
