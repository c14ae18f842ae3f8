import { describe, expect, it } from "vitest";
import { datasetStatistics } from "./statistics";

describe("datasetStatistics (hand-computed)", () => {
  it("counts classes, averages images per class and bins intensities and ink mass", () => {
    // Three images: class 0 with one full pixel, class 0 with one half pixel, class 3 empty.
    const images = new Uint8Array(3 * 784);
    images[0] = 255;
    images[784 + 1] = 128;
    const stats = datasetStatistics({ count: 3, labels: Uint8Array.from([0, 0, 3]), images });
    expect(stats.classCounts).toEqual([2, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(stats.meanImages[0].slice(0, 3)).toEqual([128, 64, 0]); // 255/2 and 128/2, rounded
    expect(stats.meanImages[3].every((v) => v === 0)).toBe(true);
    // The drift features' bins (IMAGE_FEATURES): 16 of 256/16 = 16 → 128 in bin 8, 255 in bin 15; background pixels are not counted.
    expect(stats.intensityHistogram[8]).toBe(1);
    expect(stats.intensityHistogram[15]).toBe(1);
    expect(stats.intensityHistogram.reduce((a, b) => a + b, 0)).toBe(2);
    // Ink masses 1, 0.5, 0 pixels of full ink: 16 bins of 20 each up to 320, so all three in bin 0.
    expect(stats.inkMassHistogram[0]).toBe(3);
    expect(stats.inkMassHistogram.reduce((a, b) => a + b, 0)).toBe(3);
  });
});
