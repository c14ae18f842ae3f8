import { featureBin, IMAGE_FEATURES, measureImage, perVersionCache, type ImageFeature } from "@/lib/data";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { ObjectStore } from "@/lib/storage";
import { averagePairwiseDistance, hellingerDistance, klDivergence, populationStabilityIndex, type Vectors } from "./measures";

export type ProfileFeature = ImageFeature | "classes";

/** Images per profile kept as feature vectors for the pairwise-distance measure (its cost is quadratic). */
export const SAMPLE_SIZE = 400;
const VECTOR_FEATURES = ["inkMass", "width", "height", "centroidX", "centroidY"] as const;

export interface FeatureProfile {
  count: number;
  histograms: Record<ProfileFeature, number[]>;
  /** Up to SAMPLE_SIZE evenly spaced images as [inkMass, width, height, centroidX, centroidY]. */
  sample: Vectors;
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
    const features = measureImage(images, k, (v) => histograms.intensity[featureBin(v, "intensity")]++);
    for (const name of VECTOR_FEATURES) histograms[name][featureBin(features[name], name)]++;
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

/** Drift of a version from the one before it, or why it was not computed. */
export type VersionDrift = { status: "ok"; report: DriftReport } | { status: "not_enough_data"; current: number; reference: number; minimum: number };

/**
 * Each of the newest `limit` versions against the version before it. Below `minimum`
 * records on either side the answer is "not enough data": PSI over small samples measures
 * sampling noise (KMNIST test halves: 0.005 at 5,000 images a side, 0.07 at 200, 0.31 at
 * 50, past the 0.25 threshold), so the thresholds assume at least a few hundred a side.
 */
export async function driftBetweenVersions(
  store: ObjectStore,
  versions: Array<{ id: number; snapshotKey: string; recordCount: number }>,
  minimum: number,
  limit = 6,
): Promise<Map<number, VersionDrift>> {
  const compared = versions.slice(0, limit + 1);
  const enough = (v: { recordCount: number }) => v.recordCount >= minimum;
  const profiles = await Promise.all(
    compared.map((v, i) => (enough(v) && compared.some((w, j) => Math.abs(i - j) === 1 && enough(w)) ? versionProfile(store, v) : null)),
  );
  const reports = new Map<number, VersionDrift>();
  for (let i = 0; i + 1 < compared.length; i++) {
    const [current, reference] = [profiles[i], profiles[i + 1]];
    reports.set(
      compared[i].id,
      current && reference
        ? { status: "ok", report: compareProfiles(reference, current) }
        : { status: "not_enough_data", current: compared[i].recordCount, reference: compared[i + 1].recordCount, minimum },
    );
  }
  return reports;
}
