import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { featureBin, IMAGE_FEATURES, measureImage } from "./features";
import type { Snapshot } from "./snapshot";

export interface DatasetStatistics {
  count: number;
  classCounts: number[];
  /** Per class, the mean 28x28 image (0-255). */
  meanImages: number[][];
  /** Non-background pixels by intensity, in the bins of IMAGE_FEATURES.intensity. */
  intensityHistogram: number[];
  /** Images by ink mass (sum of pixels / 255: pixels of full ink), in the bins of IMAGE_FEATURES.inkMass. */
  inkMassHistogram: number[];
}

/** Descriptive statistics of a dataset version's images, for the dataset page. */
export function datasetStatistics({ count, labels, images }: Snapshot): DatasetStatistics {
  const classCounts = new Array<number>(NUM_CLASSES).fill(0);
  const sums = Array.from({ length: NUM_CLASSES }, () => new Float64Array(IMAGE_PIXELS));
  const intensityHistogram = new Array<number>(IMAGE_FEATURES.intensity.bins).fill(0);
  const inkMassHistogram = new Array<number>(IMAGE_FEATURES.inkMass.bins).fill(0);
  for (let k = 0; k < count; k++) {
    const label = labels[k];
    classCounts[label]++;
    const sum = sums[label];
    const { inkMass } = measureImage(images, k, (v, i) => {
      sum[i] += v;
      intensityHistogram[featureBin(v, "intensity")]++;
    });
    inkMassHistogram[featureBin(inkMass, "inkMass")]++;
  }
  return {
    count,
    classCounts,
    meanImages: sums.map((sum, c) => Array.from(sum, (v) => (classCounts[c] ? Math.round(v / classCounts[c]) : 0))),
    intensityHistogram,
    inkMassHistogram,
  };
}

/** Counts as shares of their total (all zeros stay zeros). */
export function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((n) => n / total);
}
