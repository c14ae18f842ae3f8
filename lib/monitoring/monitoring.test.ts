import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseIdx } from "@/lib/data";
import { IMAGE_PIXELS, IMAGE_SIDE } from "@/lib/kmnist";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import {
  averagePairwiseDistance,
  compareProfiles,
  driftLevel,
  EPSILON,
  hellingerDistance,
  klDivergence,
  populationStabilityIndex,
  profileImages,
  type Vectors,
} from "./index";

const vectors = (dims: number, ...rows: number[][]): Vectors => ({ dims, values: Float64Array.from(rows.flat()) });

describe("distribution measures (hand-computed)", () => {
  it("are 0 for identical distributions, whatever the scale of the counts", () => {
    for (const measure of [klDivergence, hellingerDistance, populationStabilityIndex]) {
      expect(measure([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(0, 12);
    }
  });

  it("match the formulas on p = (0.25, 0.75) against q = (0.5, 0.5)", () => {
    const q = [1, 1];
    const p = [1, 3];
    // KL(p‖q) = 0.25 ln(0.5) + 0.75 ln(1.5)
    expect(klDivergence(q, p)).toBeCloseTo(0.25 * Math.log(0.5) + 0.75 * Math.log(1.5), 3);
    // Hellinger = √(1 − (√0.125 + √0.375))
    expect(hellingerDistance(q, p)).toBeCloseTo(Math.sqrt(1 - (Math.sqrt(0.125) + Math.sqrt(0.375))), 12);
    expect(hellingerDistance(q, p)).toBeCloseTo(0.184592, 6);
    // PSI = (0.25 − 0.5) ln(0.5) + (0.75 − 0.5) ln(1.5) = 0.274653
    expect(populationStabilityIndex(q, p)).toBeCloseTo(0.274653, 3);
    // PSI is symmetric; KL is not.
    expect(populationStabilityIndex(p, q)).toBeCloseTo(populationStabilityIndex(q, p), 12);
    expect(klDivergence(p, q)).not.toBeCloseTo(klDivergence(q, p), 3);
  });

  it("are maximal for disjoint distributions", () => {
    expect(hellingerDistance([5, 0], [0, 7])).toBe(1);
    // With EPSILON smoothing, all mass on the other bin: KL → ln(p/q) with p ≈ 1, q ≈ EPSILON.
    expect(klDivergence([5, 0], [0, 7])).toBeCloseTo(Math.log(1 / EPSILON), 0);
    expect(klDivergence([5, 0], [0, 7])).toBeGreaterThan(klDivergence([5, 1], [1, 7]));
    expect(populationStabilityIndex([5, 0], [0, 7])).toBeGreaterThan(2 * Math.log(1 / EPSILON) * 0.99);
  });

  it("refuse histograms that cannot be compared", () => {
    expect(() => klDivergence([1, 2], [1, 2, 3])).toThrow(/same non-empty bins/);
    expect(() => hellingerDistance([0, 0], [1, 1])).toThrow(/empty/);
    expect(() => populationStabilityIndex([1, -1], [1, 1])).toThrow(/non-negative/);
    expect(() => klDivergence([1, Number.NaN], [1, 1])).toThrow(/non-negative/);
  });

  it("average pairwise distance: 0 for the same sample, cross minus within means otherwise", () => {
    const a = vectors(1, [0], [2]);
    expect(averagePairwiseDistance(a, a)).toBe(0);
    // Reference std = 1. Across: |0−1|, |0−3|, |2−1|, |2−3| → 1.5; within A (0,2,2,0) → 1, within B → 1.
    expect(averagePairwiseDistance(a, vectors(1, [1], [3]))).toBeCloseTo(0.5, 12);
    // Far apart: grows with the gap (in reference standard deviations).
    expect(averagePairwiseDistance(a, vectors(1, [100], [102]))).toBeCloseTo(100 - 1, 12);
    // Dimensions are scaled by the reference's spread, so multiplying a feature by 10 changes nothing:
    // across 1 std, within the reference (0, 2, 2, 0) / 4 = 1, within the current 0 → 1 − 0.5.
    expect(averagePairwiseDistance(vectors(2, [0, 0], [2, 0]), vectors(2, [1, 0]))).toBeCloseTo(0.5, 12);
    expect(averagePairwiseDistance(vectors(2, [0, 0], [20, 0]), vectors(2, [10, 0]))).toBeCloseTo(0.5, 12);
    expect(() => averagePairwiseDistance(a, vectors(2, [1, 1]))).toThrow(/same dimensions/);
  });
});

describe("image features", () => {
  it("profile a drawn square: ink mass, bounding box, centroid and intensities", () => {
    const image = new Uint8Array(IMAGE_PIXELS);
    for (let y = 10; y < 14; y++) for (let x = 4; x < 10; x++) image[y * IMAGE_SIDE + x] = 255;
    image[0] = 10; // faint speck: counts for mass and intensity, not for the box
    const profile = profileImages(image, 1, [3]);
    expect(Array.from(profile.sample.values)).toEqual([
      (24 * 255 + 10) / 255,
      6,
      4,
      (255 * (4 + 5 + 6 + 7 + 8 + 9) * 4) / (24 * 255 + 10),
      (255 * (10 + 11 + 12 + 13) * 6) / (24 * 255 + 10),
    ]);
    expect(profile.histograms.classes[3]).toBe(1);
    expect(profile.histograms.intensity[15]).toBe(24);
    expect(profile.histograms.intensity[0]).toBe(1);
    expect(() => profileImages(image, 2)).toThrow(/expected 2 images/);
    expect(() => profileImages(image, 1, [12])).toThrow(/class 12/);
  });

  describe("on real KMNIST images", () => {
    let images: Uint8Array;
    let labels: Uint8Array;
    const half = 5000;

    beforeAll(() => {
      images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz"))).data as Uint8Array;
      labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-labels-idx1-ubyte.gz"))).data as Uint8Array;
    });

    const firstHalf = () => profileImages(images.subarray(0, half * IMAGE_PIXELS), half, labels.subarray(0, half));
    const secondHalf = (transform: (image: Uint8Array) => Uint8Array = (x) => x) => {
      const out = new Uint8Array(half * IMAGE_PIXELS);
      for (let k = 0; k < half; k++) out.set(transform(images.subarray((half + k) * IMAGE_PIXELS, (half + k + 1) * IMAGE_PIXELS)), k * IMAGE_PIXELS);
      return profileImages(out, half, labels.subarray(half, 2 * half));
    };

    it("unshifted holdout images do not raise drift", () => {
      const report = compareProfiles(firstHalf(), secondHalf());
      expect(report.features.map((f) => f.feature)).toContain("classes");
      expect(report.maxPsi).toBeLessThan(0.05);
      expect(report.averagePairwiseDistance).toBeLessThan(0.05);
      expect(driftLevel(report)).toBe("stable");
    });

    it("thicker strokes raise drift", () => {
      const thicken = (image: Uint8Array) => {
        const out = new Uint8Array(image);
        for (let y = 0; y < IMAGE_SIDE; y++) {
          for (let x = 0; x < IMAGE_SIDE; x++) {
            let max = image[y * IMAGE_SIDE + x];
            if (x > 0) max = Math.max(max, image[y * IMAGE_SIDE + x - 1]);
            if (y > 0) max = Math.max(max, image[(y - 1) * IMAGE_SIDE + x]);
            out[y * IMAGE_SIDE + x] = max;
          }
        }
        return out;
      };
      const report = compareProfiles(firstHalf(), secondHalf(thicken));
      expect(driftLevel(report)).toBe("drift");
      const inkMass = report.features.find((f) => f.feature === "inkMass")!;
      expect(inkMass.psi).toBeGreaterThan(0.25);
      // The classes did not change.
      expect(report.features.find((f) => f.feature === "classes")!.psi).toBeLessThan(0.05);
    });

    it("characters moved off centre raise drift on the centroid", () => {
      const shift = (image: Uint8Array) => {
        const out = new Uint8Array(IMAGE_PIXELS);
        for (let y = 0; y < IMAGE_SIDE; y++) for (let x = 4; x < IMAGE_SIDE; x++) out[y * IMAGE_SIDE + x] = image[y * IMAGE_SIDE + x - 4];
        return out;
      };
      const report = compareProfiles(firstHalf(), secondHalf(shift));
      expect(driftLevel(report)).toBe("drift");
      const byName = Object.fromEntries(report.features.map((f) => [f.feature, f]));
      expect(byName.centroidX.psi).toBeGreaterThan(0.25);
      expect(byName.centroidX.hellinger).toBeGreaterThan(byName.centroidY.hellinger);
    });
  });
});
