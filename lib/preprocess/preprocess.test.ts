import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { offlineSplitOf, parseIdx } from "@/lib/data";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { argmax, KMNIST_PREPROCESSING, loadClassifier, mlRuntime, runTrainJob, type Classifier } from "@/lib/ml";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { NON_CHARACTER_KINDS, nonCharacter, nonCharacterStrokes, penStrokes, renderVariant } from "@/lib/testing/handwriting-variants";
import { decodeImage, implausibility, inkShape, PreprocessError, preprocessImage, renderStrokes, toKmnistPixels } from ".";

const LIMITS = { maxPixels: 40_000_000 };

/** An SVG drawing rendered by sharp: the stroke is a polyline in the given colours. */
function svg(width: number, height: number, body: string, background = "white") {
  const bg = background === "none" ? "" : `<rect width="100%" height="100%" fill="${background}"/>`;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${bg}${body}</svg>`);
}

const stroke = (points: string, colour = "black", width = 20) =>
  `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="${width}" stroke-linecap="round"/>`;

async function png(svgBuffer: Buffer) {
  return sharp(svgBuffer).png().toBuffer();
}

function stats(pixels: Uint8Array) {
  let mass = 0;
  let mx = 0;
  let my = 0;
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      mass += v;
      mx += v * x;
      my += v * y;
      if (v >= 64) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { mass, cx: mx / mass, cy: my / mass, width: x1 - x0 + 1, height: y1 - y0 + 1, corner: pixels[0] };
}

describe("preprocessing synthetic drawings", () => {
  it("crops an off-centre stroke, fills the frame along its longer side and centres it", async () => {
    const image = await png(svg(280, 280, stroke("200,20 200,120 260,120")));
    const pixels = await preprocessImage(image, LIMITS);
    const s = stats(pixels);
    expect(s.height).toBeGreaterThanOrEqual(27);
    const columns = Array.from({ length: 28 }, (_, x) => Array.from({ length: 28 }, (_, y) => pixels[y * 28 + x]).some((v) => v >= 24));
    const left = columns.indexOf(true);
    const right = 27 - columns.lastIndexOf(true);
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1);
    expect(left).toBeGreaterThan(3);
  });

  it("finds a tiny stroke in a huge canvas", async () => {
    const image = await sharp(svg(4000, 3000, stroke("3000,2500 3040,2560", "black", 8)))
      .png()
      .toBuffer();
    const s = stats(await preprocessImage(image, LIMITS));
    expect(Math.max(s.width, s.height)).toBeGreaterThanOrEqual(27);
  });

  it("gives the same result for dark-on-light and light-on-dark", async () => {
    const points = "60,60 220,80 140,220";
    const dark = await preprocessImage(await png(svg(280, 280, stroke(points, "black"), "white")), LIMITS);
    const light = await preprocessImage(await png(svg(280, 280, stroke(points, "white"), "black")), LIMITS);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(dark[i] - light[i]);
    expect(diff / 784).toBeLessThan(2);
    expect(stats(dark).mass).toBeGreaterThan(20_000);
  });

  it("flattens transparency: dark ink on a clear canvas, and light ink on a clear canvas", async () => {
    const points = "40,140 240,140 140,40";
    for (const colour of ["black", "white"]) {
      const image = await png(svg(280, 280, stroke(points, colour), "none"));
      expect((await sharp(image).metadata()).hasAlpha).toBe(true);
      const s = stats(await preprocessImage(image, LIMITS));
      expect(s.mass).toBeGreaterThan(10_000);
      expect(s.corner).toBe(0);
      expect(s.width).toBeGreaterThanOrEqual(27);
    }
  });

  it.each(["jpeg", "webp", "gif", "tiff", "avif"] as const)("reads %s", async (format) => {
    const image = await sharp(svg(200, 200, stroke("50,50 150,150 50,150")))
      .toFormat(format)
      .toBuffer();
    expect(stats(await preprocessImage(image, LIMITS)).mass).toBeGreaterThan(10_000);
  });

  it("rejects blank images, non-images and images over the pixel limit", async () => {
    const blank = await png(svg(100, 100, ""));
    await expect(preprocessImage(blank, LIMITS)).rejects.toMatchObject({ code: "no_ink" });
    await expect(preprocessImage(Buffer.from("definitely not an image"), LIMITS)).rejects.toMatchObject({ code: "unsupported_format" });
    // SVG is refused before any decoder sees it, however small (filters make it a denial of service).
    await expect(preprocessImage(svg(100, 100, stroke("10,10 90,90")), LIMITS)).rejects.toMatchObject({ code: "unsupported_format" });
    await expect(preprocessImage(Buffer.from("GIF89a but not really"), LIMITS)).rejects.toMatchObject({ code: "unsupported_image" });
    const truncated = (await png(svg(100, 100, stroke("10,10 90,90")))).subarray(0, 60);
    await expect(preprocessImage(truncated, LIMITS)).rejects.toBeInstanceOf(PreprocessError);
    const big = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: "white" } })
      .png()
      .toBuffer();
    await expect(preprocessImage(big, { maxPixels: 1_000_000 })).rejects.toMatchObject({ code: "too_many_pixels" });
  });

  it("decodes to one gray byte per pixel", async () => {
    const decoded = await decodeImage(await png(svg(30, 20, "")), LIMITS);
    expect([decoded.width, decoded.height, decoded.data.length]).toEqual([30, 20, 600]);
    expect(decoded.data.every((v) => v === 255)).toBe(true);
  });
});

describe("preprocessing real KMNIST characters", () => {
  let classifier: Classifier;
  let images: Uint8Array;
  let holdoutIndices: number[];

  beforeAll(async () => {
    images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
    const labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-labels-idx1-ubyte.gz"))).data;
    const split = offlineSplitOf(labels);
    const trainIdx = split.flatMap((s, i) => (s === "train" ? [i] : []));
    holdoutIndices = split.flatMap((s, i) => (s === "holdout" ? [i] : [])).slice(0, 500);
    const gather = (idx: number[]) => ({
      count: idx.length,
      labels: Uint8Array.from(idx, (i) => labels[i]),
      images: Uint8Array.from(idx.flatMap((i) => Array.from(images.subarray(i * 784, (i + 1) * 784)))),
    });
    const result = await runTrainJob(
      {
        algorithm: "cnn",
        hyperparameters: { epochs: 3, filters: 8, augment: false },
        train: gather(trainIdx),
        holdout: gather(holdoutIndices),
        manifest: {
          name: "preprocess-test",
          author: "tests",
          datasetTag: "kmnist-train",
          preprocessing: KMNIST_PREPROCESSING,
          labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })),
          metrics: [],
          trainingData: null,
        },
      },
      () => {},
    );
    classifier = await loadClassifier(await mlRuntime(), result.artifact);
  }, 180_000);

  it("predicts a 280x280 PNG of a holdout image as it predicts the raw pixels, for ≥97% of 500", async () => {
    let same = 0;
    for (const i of holdoutIndices) {
      const raw = images.subarray(i * 784, (i + 1) * 784);
      const upscaled = await sharp(
        await sharp(Buffer.from(raw), { raw: { width: 28, height: 28, channels: 1 } })
          .png()
          .toBuffer(),
      )
        .resize(280, 280, { kernel: "nearest" })
        .png()
        .toBuffer();
      const pre = await preprocessImage(upscaled, LIMITS);
      const a = argmax(
        classifier.predictProba(
          Float32Array.from(raw, (v) => v / 255),
          1,
        ),
      );
      const b = argmax(
        classifier.predictProba(
          Float32Array.from(pre, (v) => v / 255),
          1,
        ),
      );
      if (a === b) same++;
    }
    console.info(`preprocessed vs raw: same prediction for ${same} of ${holdoutIndices.length}`);
    expect(same / holdoutIndices.length).toBeGreaterThanOrEqual(0.97);
  }, 120_000);

  /** How often the preprocessed input gets the class the raw pixels get, over `count` holdout images. */
  async function agreement(count: number, render: (raw: Uint8Array, i: number) => Promise<Uint8Array>): Promise<number> {
    let same = 0;
    for (const i of holdoutIndices.slice(0, count)) {
      const raw = images.subarray(i * 784, (i + 1) * 784);
      const predict = (pixels: Uint8Array) =>
        argmax(
          classifier.predictProba(
            Float32Array.from(pixels, (v) => v / 255),
            1,
          ),
        );
      if (predict(raw) === predict(await render(raw, i))) same++;
    }
    return same / count;
  }

  it("reads phone photos on unevenly lit paper as it reads the raw pixels (light estimated locally)", async () => {
    const rates: Record<string, number> = {};
    for (const gradient of [0, 0.18, 0.3]) {
      rates[gradient] = await agreement(200, async (raw, i) => preprocessImage(await renderVariant(raw, { kind: "photo", gradient }, i), LIMITS));
    }
    console.info(`photos, same prediction as the raw pixels: ${JSON.stringify(rates)}`);
    // Flat paper and an 18 % gradient read alike (the border median method read 34 % of 18 % photos right).
    // The test's small CNN varies from run to run: 0.945-0.975 at 18 %, 0.915-0.945 at 30 % in six runs.
    expect(Math.abs(rates[0.18] - rates[0])).toBeLessThanOrEqual(0.02);
    expect(rates[0.18]).toBeGreaterThanOrEqual(0.9);
    expect(rates[0.3]).toBeGreaterThanOrEqual(0.85);
  }, 120_000);

  it("reads a small drawing like a large one: strokes at the character's own width; a PNG of thick strokes thinned", async () => {
    const rates: Record<string, number> = {};
    for (const fraction of [1, 0.25]) {
      rates[`strokes ${fraction}`] = await agreement(200, async (raw, i) => renderStrokes(await penStrokes(raw, fraction, i)));
      rates[`png ${fraction}`] = await agreement(200, async (raw, i) => preprocessImage(await renderVariant(raw, { kind: "pen", fraction }, i), LIMITS));
    }
    console.info(`drawings, same prediction as the raw pixels: ${JSON.stringify(rates)}`);
    expect(Math.abs(rates["strokes 0.25"] - rates["strokes 1"])).toBeLessThanOrEqual(0.02);
    // The test's small CNN (3 epochs, not deterministic across runs) agrees on 84.5-86.5 % here.
    expect(rates["strokes 0.25"]).toBeGreaterThanOrEqual(0.8);
    expect(rates["png 0.25"]).toBeGreaterThanOrEqual(0.5); // 0.58-0.60 in six runs
  }, 120_000);

  it("refuses dots, ticks, scribbles, blobs and noise, and lets KMNIST's characters through", async () => {
    const refusedKinds: Record<string, number> = {};
    for (const kind of NON_CHARACTER_KINDS) {
      let refused = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const drawn = nonCharacterStrokes(kind, seed);
        const pixels = drawn ? await renderStrokes(drawn) : await preprocessImage(await nonCharacter(kind, seed), LIMITS).catch(() => null);
        if (!pixels || implausibility(inkShape(pixels))) refused++;
      }
      refusedKinds[kind] = refused / 20;
    }
    let passed = 0;
    for (const i of holdoutIndices) {
      const pre = await preprocessImage(await renderVariant(images.subarray(i * 784, (i + 1) * 784), { kind: "png", side: 280 }, i), LIMITS);
      if (!implausibility(inkShape(pre))) passed++;
    }
    console.info(`refused: ${JSON.stringify(refusedKinds)}; characters let through: ${passed} of ${holdoutIndices.length}`);
    for (const share of Object.values(refusedKinds)) expect(share).toBeGreaterThanOrEqual(0.9);
    expect(passed / holdoutIndices.length).toBeGreaterThanOrEqual(0.995);
  }, 120_000);

  it("leaves a KMNIST image that already fills its frame almost unchanged", async () => {
    const raw = images.subarray(0, 784);
    const pre = await toKmnistPixels({ width: 28, height: 28, data: raw });
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(pre[i] - raw[i]);
    expect(diff / 784).toBeLessThan(12);
  });
});
