import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { Tf } from "./backend";
import type { LabelledImages } from "./families/types";

/**
 * k-nearest-neighbour classification on raw pixels (Euclidean), the KMNIST paper's baseline
 * (k = 4). Distances come from one matrix product per block of queries:
 * ‖q − t‖² = ‖q‖² − 2 q·t + ‖t‖². Each neighbour votes for its class; a tie goes to the
 * tied class whose member is nearest.
 */
export function knnPredict(tf: Tf, train: LabelledImages, queries: LabelledImages, k = 4, blockSize = 256): Uint8Array {
  if (k < 1 || k > train.count) throw new RangeError(`k must be 1..${train.count}, got ${k}`);
  const predicted = new Uint8Array(queries.count);
  const trainMatrix = tf.tidy(() => tf.tensor2d(train.images, [train.count, IMAGE_PIXELS], "int32").toFloat().div(255));
  const trainNorms = tf.tidy(() => trainMatrix.square().sum(1).expandDims(0));
  try {
    for (let start = 0; start < queries.count; start += blockSize) {
      const rows = Math.min(blockSize, queries.count - start);
      const { indices } = tf.tidy(() => {
        const q = tf
          .tensor2d(queries.images.subarray(start * IMAGE_PIXELS, (start + rows) * IMAGE_PIXELS), [rows, IMAGE_PIXELS], "int32")
          .toFloat()
          .div(255);
        // Negated squared distance without ‖q‖² (constant per row): larger is nearer.
        const score = q.matMul(trainMatrix, false, true).mul(2).sub(trainNorms);
        const top = tf.topk(score, k);
        return { indices: top.indices.dataSync().slice() };
      });
      for (let r = 0; r < rows; r++) {
        const votes = new Array<number>(NUM_CLASSES).fill(0);
        const nearestRank = new Array<number>(NUM_CLASSES).fill(Infinity);
        for (let j = 0; j < k; j++) {
          const label = train.labels[indices[r * k + j]];
          votes[label]++;
          nearestRank[label] = Math.min(nearestRank[label], j);
        }
        let best = 0;
        for (let c = 1; c < NUM_CLASSES; c++) if (votes[c] > votes[best] || (votes[c] === votes[best] && nearestRank[c] < nearestRank[best])) best = c;
        predicted[start + r] = best;
      }
    }
  } finally {
    trainMatrix.dispose();
    trainNorms.dispose();
  }
  return predicted;
}
