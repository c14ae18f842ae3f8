import { describe, expect, it } from "vitest";
import type { Snapshot } from "@/lib/data";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { mlRuntime } from "./backend";
import { knnPredict } from "./knn";

/** Images that are blank except for a value `v` at pixel `at`. */
function snapshot(points: Array<{ at: number; v: number; label: number }>): Snapshot {
  const images = new Uint8Array(points.length * IMAGE_PIXELS);
  points.forEach((p, i) => (images[i * IMAGE_PIXELS + p.at] = p.v));
  return { count: points.length, labels: Uint8Array.from(points.map((p) => p.label)), images };
}

describe("k-nearest-neighbour baseline", () => {
  it("votes among the k nearest training images, ties going to the nearest", async () => {
    const { tf } = await mlRuntime();
    const train = snapshot([
      { at: 0, v: 200, label: 1 },
      { at: 0, v: 210, label: 1 },
      { at: 0, v: 190, label: 2 },
      { at: 5, v: 255, label: 3 },
      { at: 5, v: 250, label: 3 },
      { at: 5, v: 245, label: 4 },
    ]);
    // Nearest to the first query: 200 (1), 210 (1), 190 (2), then the far ones.
    const queries = snapshot([
      { at: 0, v: 201, label: 0 },
      { at: 5, v: 253, label: 0 },
      { at: 0, v: 194, label: 0 },
    ]);
    expect(Array.from(knnPredict(tf, train, queries, 3))).toEqual([1, 3, 1]);
    expect(Array.from(knnPredict(tf, train, queries, 1))).toEqual([1, 3, 2]);
    // k = 2 ties the third query (194) between 2 (190, nearer) and 1 (200): the nearer wins; k = 3 outvotes it.
    expect(Array.from(knnPredict(tf, train, queries, 2, 2))).toEqual([1, 3, 2]);
    expect(() => knnPredict(tf, train, queries, 7)).toThrow(/k must be/);
  });
});
