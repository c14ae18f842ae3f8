import { z } from "zod";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { Classifier, LabelledImages, ModelFamily } from "./types";

export const TREE_FILE = "tree.json";

const hyperparameters = z.object({
  maxDepth: z.number().int().min(1).max(64).default(18),
  minSamplesSplit: z.number().int().min(2).default(4),
  minSamplesLeaf: z.number().int().min(1).default(2),
  /** Pixel values are bucketed into this many equal-width bins to find thresholds. */
  bins: z.number().int().min(2).max(256).default(32),
});

type Hp = z.infer<typeof hyperparameters>;

/**
 * A CART tree in flat arrays: node i splits on `feature[i]` (−1 for a leaf) and goes
 * left when pixel ≤ `threshold[i]` (0-255). `counts` holds each node's training class
 * counts (10 per node); a leaf predicts its normalised counts.
 */
export interface SerialisedTree {
  kind: "cart";
  classes: number;
  features: number;
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  counts: number[];
}

function gini(counts: Float64Array | number[], offset: number, total: number): number {
  if (total === 0) return 0;
  let sumSq = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    const p = counts[offset + c] / total;
    sumSq += p * p;
  }
  return 1 - sumSq;
}

/**
 * Greedy CART with Gini impurity. Candidate thresholds are bin edges; for each node one
 * pass builds a (feature x bin x class) histogram, so a level of the tree costs O(n x 784).
 */
export function growTree(data: LabelledImages, hp: Hp, onLevel?: (depth: number) => void): SerialisedTree {
  const { count, images, labels } = data;
  const binWidth = 256 / hp.bins;
  const binned = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) binned[i] = Math.floor(images[i] / binWidth);

  const tree: SerialisedTree = { kind: "cart", classes: NUM_CLASSES, features: IMAGE_PIXELS, feature: [], threshold: [], left: [], right: [], counts: [] };
  const hist = new Float64Array(IMAGE_PIXELS * hp.bins * NUM_CLASSES);
  const leftCounts = new Float64Array(NUM_CLASSES);
  const rightCounts = new Float64Array(NUM_CLASSES);

  const addNode = (indices: Uint32Array) => {
    const id = tree.feature.length;
    const counts = new Array<number>(NUM_CLASSES).fill(0);
    for (const i of indices) counts[labels[i]]++;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.counts.push(...counts);
    return id;
  };

  let frontier: Array<{ node: number; indices: Uint32Array; depth: number }> = [
    { node: addNode(Uint32Array.from({ length: count }, (_, i) => i)), indices: Uint32Array.from({ length: count }, (_, i) => i), depth: 0 },
  ];
  while (frontier.length > 0) {
    onLevel?.(frontier[0].depth);
    const next: typeof frontier = [];
    for (const { node, indices, depth } of frontier) {
      const n = indices.length;
      const parentImpurity = gini(tree.counts, node * NUM_CLASSES, n);
      if (depth >= hp.maxDepth || n < hp.minSamplesSplit || parentImpurity === 0) continue;

      hist.fill(0);
      for (const i of indices) {
        const label = labels[i];
        const row = i * IMAGE_PIXELS;
        for (let f = 0; f < IMAGE_PIXELS; f++) hist[(f * hp.bins + binned[row + f]) * NUM_CLASSES + label]++;
      }
      let best = { gain: 1e-12, feature: -1, bin: -1 };
      for (let f = 0; f < IMAGE_PIXELS; f++) {
        leftCounts.fill(0);
        let leftTotal = 0;
        for (let b = 0; b < hp.bins - 1; b++) {
          const base = (f * hp.bins + b) * NUM_CLASSES;
          for (let c = 0; c < NUM_CLASSES; c++) {
            leftCounts[c] += hist[base + c];
            leftTotal += hist[base + c];
          }
          const rightTotal = n - leftTotal;
          if (leftTotal < hp.minSamplesLeaf || rightTotal < hp.minSamplesLeaf) continue;
          for (let c = 0; c < NUM_CLASSES; c++) rightCounts[c] = tree.counts[node * NUM_CLASSES + c] - leftCounts[c];
          const weighted = (leftTotal * gini(leftCounts, 0, leftTotal) + rightTotal * gini(rightCounts, 0, rightTotal)) / n;
          const gain = parentImpurity - weighted;
          if (gain > best.gain) best = { gain, feature: f, bin: b };
        }
      }
      if (best.feature < 0) continue;

      const goesLeft = (i: number) => binned[i * IMAGE_PIXELS + best.feature] <= best.bin;
      const leftIdx = indices.filter(goesLeft);
      const rightIdx = indices.filter((i) => !goesLeft(i));
      tree.feature[node] = best.feature;
      // Bins are [b·w, (b+1)·w): a pixel is in bin ≤ b exactly when pixel ≤ (b+1)·w − 1.
      tree.threshold[node] = Math.floor((best.bin + 1) * binWidth) - 1;
      tree.left[node] = addNode(leftIdx);
      tree.right[node] = addNode(rightIdx);
      next.push({ node: tree.left[node], indices: leftIdx, depth: depth + 1 }, { node: tree.right[node], indices: rightIdx, depth: depth + 1 });
    }
    frontier = next;
  }
  return tree;
}

export function treeClassifier(tree: SerialisedTree): Classifier {
  return {
    predictProba(pixels, count) {
      const out = new Float32Array(count * NUM_CLASSES);
      for (let k = 0; k < count; k++) {
        let node = 0;
        while (tree.feature[node] >= 0) {
          // Models see unit floats; thresholds are in 0-255 pixel units.
          const value = Math.round(pixels[k * IMAGE_PIXELS + tree.feature[node]] * 255);
          node = value <= tree.threshold[node] ? tree.left[node] : tree.right[node];
        }
        let total = 0;
        for (let c = 0; c < NUM_CLASSES; c++) total += tree.counts[node * NUM_CLASSES + c];
        for (let c = 0; c < NUM_CLASSES; c++) out[k * NUM_CLASSES + c] = tree.counts[node * NUM_CLASSES + c] / total;
      }
      return out;
    },
    dispose() {},
  };
}

export function parseTree(files: Record<string, Uint8Array>): SerialisedTree {
  const raw = files[TREE_FILE];
  if (!raw) throw new Error(`decision tree artifact has no ${TREE_FILE}`);
  const tree = JSON.parse(Buffer.from(raw).toString("utf8")) as SerialisedTree;
  const n = tree.feature?.length ?? 0;
  if (tree.kind !== "cart" || n === 0 || tree.left.length !== n || tree.right.length !== n || tree.counts.length !== n * NUM_CLASSES) {
    throw new Error(`${TREE_FILE} is not a valid CART tree`);
  }
  for (let i = 0; i < n; i++) {
    if (tree.feature[i] >= 0 && !(tree.left[i] > i && tree.right[i] > i && tree.left[i] < n && tree.right[i] < n)) {
      throw new Error(`${TREE_FILE}: node ${i} has invalid children`);
    }
  }
  return tree;
}

export const decisionTree: ModelFamily<typeof hyperparameters> = {
  algorithm: "tree",
  title: "Decision tree (CART)",
  runtime: "decision-tree-json",
  hyperparameters,
  async train(_rt, data, hp, onProgress) {
    const tree = growTree(data, hp, (depth) => onProgress({ epoch: Math.min(depth, hp.maxDepth), epochs: hp.maxDepth }));
    return { files: { [TREE_FILE]: Buffer.from(JSON.stringify(tree)) } };
  },
};
