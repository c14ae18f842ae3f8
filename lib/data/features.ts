import { IMAGE_PIXELS, IMAGE_SIDE } from "@/lib/kmnist";

/**
 * The per-image features the dataset page describes and drift detection compares, measured
 * once, binned one way. Bins are fixed (not taken from the data) so that any two datasets or
 * windows are comparable; values past the last bin land in it.
 */
export const IMAGE_FEATURES = {
  intensity: { label: "Pixel intensity", unit: "value of non-background pixels", bins: 16, max: 256 },
  inkMass: { label: "Ink mass", unit: "pixels of full ink", bins: 16, max: 320 },
  width: { label: "Bounding-box width", unit: "px", bins: 14, max: 29 },
  height: { label: "Bounding-box height", unit: "px", bins: 14, max: 29 },
  centroidX: { label: "Centroid x", unit: "px", bins: 14, max: 28 },
  centroidY: { label: "Centroid y", unit: "px", bins: 14, max: 28 },
} as const;

export type ImageFeature = keyof typeof IMAGE_FEATURES;

/** What one image measures (the intensity feature is per pixel, counted by `onInk`). */
export interface ImageMeasures {
  inkMass: number;
  width: number;
  height: number;
  centroidX: number;
  centroidY: number;
}

/** Pixels at or above this value count as ink for the bounding box (a quarter of full ink). */
const INK_THRESHOLD = 64;

export function featureBin(value: number, feature: ImageFeature): number {
  const { bins, max } = IMAGE_FEATURES[feature];
  return Math.min(bins - 1, Math.max(0, Math.floor((value / max) * bins)));
}

/** Measures image `k` of a batch (0-255, row-major, back to back); `onInk` sees every non-background pixel. */
export function measureImage(images: ArrayLike<number>, k: number, onInk?: (value: number, pixel: number) => void): ImageMeasures {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  let minX = IMAGE_SIDE;
  let maxX = -1;
  let minY = IMAGE_SIDE;
  let maxY = -1;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = images[k * IMAGE_PIXELS + i];
    if (v <= 0) continue;
    onInk?.(v, i);
    const x = i % IMAGE_SIDE;
    const y = (i - x) / IMAGE_SIDE;
    mass += v;
    sumX += v * x;
    sumY += v * y;
    if (v >= INK_THRESHOLD) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  const centre = (IMAGE_SIDE - 1) / 2;
  return {
    inkMass: mass / 255,
    width: maxX >= 0 ? maxX - minX + 1 : 0,
    height: maxY >= 0 ? maxY - minY + 1 : 0,
    // A blank image has no centroid; the centre keeps it from looking like a shift.
    centroidX: mass > 0 ? sumX / mass : centre,
    centroidY: mass > 0 ? sumY / mass : centre,
  };
}
