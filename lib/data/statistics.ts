import { IMAGE_PIXELS, NUM_CLASSES } from "./classes";
import type { Snapshot } from "./snapshot";

export const INTENSITY_BINS = 16;
export const INK_MASS_BINS = 20;

export interface DatasetStatistics {
  count: number;
  classCounts: number[];
  /** Per class, the mean 28x28 image (0-255). */
  meanImages: number[][];
  /** Non-background pixels (value > 0) by intensity, 16 equal bins over 1-255. */
  intensityHistogram: number[];
  /** Images by ink mass (sum of pixels / 255, i.e. pixel-equivalents of full ink), 20 equal bins up to `inkMassMax`. */
  inkMassHistogram: number[];
  inkMassMax: number;
}

/** Descriptive statistics of a dataset version's images, for the dataset page. */
export function datasetStatistics({ count, labels, images }: Snapshot): DatasetStatistics {
  const classCounts = new Array<number>(NUM_CLASSES).fill(0);
  const sums = Array.from({ length: NUM_CLASSES }, () => new Float64Array(IMAGE_PIXELS));
  const intensityHistogram = new Array<number>(INTENSITY_BINS).fill(0);
  const masses = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const label = labels[k];
    classCounts[label]++;
    const sum = sums[label];
    let mass = 0;
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const v = images[k * IMAGE_PIXELS + i];
      sum[i] += v;
      mass += v;
      if (v > 0) intensityHistogram[Math.min(INTENSITY_BINS - 1, Math.floor(((v - 1) * INTENSITY_BINS) / 255))]++;
    }
    masses[k] = mass / 255;
  }
  const inkMassMax = Math.max(1, Math.ceil(masses.reduce((a, b) => Math.max(a, b), 0)));
  const inkMassHistogram = new Array<number>(INK_MASS_BINS).fill(0);
  for (const m of masses) inkMassHistogram[Math.min(INK_MASS_BINS - 1, Math.floor((m / inkMassMax) * INK_MASS_BINS))]++;
  return {
    count,
    classCounts,
    meanImages: sums.map((sum, c) => Array.from(sum, (v) => (classCounts[c] ? Math.round(v / classCounts[c]) : 0))),
    intensityHistogram,
    inkMassHistogram,
    inkMassMax,
  };
}

/** Counts as shares of their total (all zeros stay zeros). */
export function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((n) => n / total);
}
