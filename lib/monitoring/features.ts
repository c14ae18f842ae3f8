import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES, perVersionCache } from "@/lib/data";
import type { ObjectStore } from "@/lib/storage";
import { averagePairwiseDistance, hellingerDistance, klDivergence, populationStabilityIndex, type Vectors } from "./measures";

/**
 * Per-image features whose distributions drift detection compares. Bins are fixed (not
 * taken from the data) so that any two profiles are comparable; values past the last bin
 * land in it.
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
export type ProfileFeature = ImageFeature | "classes";

/** Pixels at or above this value count as ink for the bounding box (a quarter of full ink). */
const INK_THRESHOLD = 64;
/** Images per profile kept as feature vectors for the pairwise-distance measure (its cost is quadratic). */
export const SAMPLE_SIZE = 400;
const VECTOR_FEATURES = ["inkMass", "width", "height", "centroidX", "centroidY"] as const;

export interface FeatureProfile {
  count: number;
  histograms: Record<ProfileFeature, number[]>;
  /** Up to SAMPLE_SIZE evenly spaced images as [inkMass, width, height, centroidX, centroidY]. */
  sample: Vectors;
}

function bin(value: number, { bins, max }: { bins: number; max: number }): number {
  return Math.min(bins - 1, Math.max(0, Math.floor((value / max) * bins)));
}

/**
 * Profiles `count` 28x28 images (0-255, row-major, back to back) and, when given, their
 * classes (true labels for a dataset, predicted ones for live traffic).
 */
export function profileImages(images: ArrayLike<number>, count: number, classes?: ArrayLike<number>): FeatureProfile {
  if (images.length !== count * IMAGE_PIXELS) throw new Error(`expected ${count} images of ${IMAGE_PIXELS} pixels, got ${images.length} values`);
  const histograms = {
    classes: new Array<number>(NUM_CLASSES).fill(0),
    ...(Object.fromEntries(Object.entries(IMAGE_FEATURES).map(([name, f]) => [name, new Array<number>(f.bins).fill(0)])) as Record<ImageFeature, number[]>),
  };
  const stride = Math.max(1, Math.ceil(count / SAMPLE_SIZE));
  const sample: number[] = [];
  for (let k = 0; k < count; k++) {
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
      const x = i % IMAGE_SIDE;
      const y = (i - x) / IMAGE_SIDE;
      mass += v;
      sumX += v * x;
      sumY += v * y;
      histograms.intensity[bin(v, IMAGE_FEATURES.intensity)]++;
      if (v >= INK_THRESHOLD) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    const centre = (IMAGE_SIDE - 1) / 2;
    const features = {
      inkMass: mass / 255,
      width: maxX >= 0 ? maxX - minX + 1 : 0,
      height: maxY >= 0 ? maxY - minY + 1 : 0,
      // A blank image has no centroid; the centre keeps it from looking like a shift.
      centroidX: mass > 0 ? sumX / mass : centre,
      centroidY: mass > 0 ? sumY / mass : centre,
    };
    for (const name of VECTOR_FEATURES) histograms[name][bin(features[name], IMAGE_FEATURES[name])]++;
    if (classes) {
      const c = classes[k];
      if (!(c >= 0 && c < NUM_CLASSES)) throw new Error(`class ${c} of image ${k} is not 0-${NUM_CLASSES - 1}`);
      histograms.classes[c]++;
    }
    if (k % stride === 0) sample.push(...VECTOR_FEATURES.map((name) => features[name]));
  }
  return { count, histograms, sample: { dims: VECTOR_FEATURES.length, values: Float64Array.from(sample) } };
}

export interface FeatureDrift {
  feature: ProfileFeature;
  label: string;
  kl: number;
  hellinger: number;
  psi: number;
}

export interface DriftReport {
  features: FeatureDrift[];
  /** Excess average pairwise distance of the sampled feature vectors (see averagePairwiseDistance). */
  averagePairwiseDistance: number;
  /** The largest PSI over the features, the figure thresholds are checked against. */
  maxPsi: number;
}

/**
 * Compares a current profile with a reference one. The class distribution is included
 * only when both profiles have classes.
 */
export function compareProfiles(reference: FeatureProfile, current: FeatureProfile): DriftReport {
  if (reference.count === 0 || current.count === 0) throw new Error("cannot measure drift against an empty profile");
  const names: ProfileFeature[] = [...(Object.keys(IMAGE_FEATURES) as ImageFeature[])];
  const hasClasses = (p: FeatureProfile) => p.histograms.classes.some((n) => n > 0);
  if (hasClasses(reference) && hasClasses(current)) names.push("classes");
  const features = names
    .filter((name) => reference.histograms[name].some((n) => n > 0) && current.histograms[name].some((n) => n > 0))
    .map((name) => {
      const [q, p] = [reference.histograms[name], current.histograms[name]];
      return {
        feature: name,
        label: name === "classes" ? "Class distribution" : IMAGE_FEATURES[name].label,
        kl: klDivergence(q, p),
        hellinger: hellingerDistance(q, p),
        psi: populationStabilityIndex(q, p),
      };
    });
  return {
    features,
    averagePairwiseDistance: averagePairwiseDistance(reference.sample, current.sample),
    maxPsi: features.reduce((max, f) => Math.max(max, f.psi), 0),
  };
}

/** The feature profile of a dataset version (its true labels as classes), computed once per process. */
export const versionProfile = perVersionCache((snapshot) => profileImages(snapshot.images, snapshot.count, snapshot.labels));

/**
 * Drift of each of the newest `limit` versions of a tag from the version before it
 * (`versions` newest first). Older versions map to nothing: each comparison loads a snapshot.
 */
export async function driftBetweenVersions(
  store: ObjectStore,
  versions: Array<{ id: number; snapshotKey: string }>,
  limit = 6,
): Promise<Map<number, DriftReport>> {
  const compared = versions.slice(0, limit + 1);
  const profiles = await Promise.all(compared.map((v) => versionProfile(store, v)));
  const reports = new Map<number, DriftReport>();
  for (let i = 0; i + 1 < compared.length; i++) reports.set(compared[i].id, compareProfiles(profiles[i + 1], profiles[i]));
  return reports;
}
