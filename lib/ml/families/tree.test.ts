import { describe, expect, it } from "vitest";
import { growTree, parseTree, TREE_FILE, treeClassifier } from "./tree";

/** Images whose class is decided by which of three pixels is bright (plus noise pixels). */
function synthetic(count: number) {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const label = k % 3;
    labels[k] = label;
    for (let p = 0; p < 784; p++) images[k * 784 + p] = (k * 31 + p * 17) % 97;
    images[k * 784 + 100 + label] = 250;
  }
  return { count, images, labels };
}

describe("decision tree", () => {
  it("learns a separable problem exactly", () => {
    const data = synthetic(90);
    const tree = growTree(data, { maxDepth: 5, minSamplesSplit: 2, minSamplesLeaf: 1, bins: 32 });
    const classifier = treeClassifier(tree);
    const pixels = Float32Array.from(data.images, (v) => v / 255);
    const proba = classifier.predictProba(pixels, data.count);
    for (let k = 0; k < data.count; k++) {
      const row = Array.from(proba.subarray(k * 10, k * 10 + 10));
      expect(row.indexOf(Math.max(...row))).toBe(data.labels[k]);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    expect(tree.feature.filter((f) => f >= 0).every((f) => f >= 100 && f <= 102)).toBe(true);
  });

  it("respects maxDepth", () => {
    const tree = growTree(synthetic(90), { maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1, bins: 16 });
    expect(tree.feature.length).toBe(3);
  });

  it("round-trips through JSON and rejects malformed trees", () => {
    const tree = growTree(synthetic(30), { maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1, bins: 16 });
    expect(parseTree({ [TREE_FILE]: Buffer.from(JSON.stringify(tree)) })).toEqual(tree);
    const cyclic = { ...tree, left: tree.left.map((l, i) => (l >= 0 ? i : l)) };
    expect(() => parseTree({ [TREE_FILE]: Buffer.from(JSON.stringify(cyclic)) })).toThrow(/invalid children/);
    expect(() => parseTree({ [TREE_FILE]: Buffer.from("{}") })).toThrow(/not a valid CART tree/);
    expect(() => parseTree({})).toThrow(/has no tree\.json/);
  });
});
