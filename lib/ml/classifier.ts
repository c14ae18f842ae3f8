import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { ModelArtifact } from "./artifact";
import type { MlRuntime } from "./backend";
import { bytesToUnitFloats, loadLayersClassifier } from "./families/tfjs-io";
import { parseTree, treeClassifier } from "./families/tree";
import type { Classifier, LabelledImages } from "./families/types";

/** Turns a verified artifact into something that predicts, according to its runtime. */
export async function loadClassifier(rt: MlRuntime, artifact: ModelArtifact): Promise<Classifier> {
  switch (artifact.manifest.runtime) {
    case "tfjs-layers":
      return loadLayersClassifier(rt.tf, artifact.files);
    case "decision-tree-json":
      return treeClassifier(parseTree(artifact.files));
    case "onnx":
      throw new Error(`${artifact.manifest.name} is an imported ONNX model: it runs on ONNX Runtime only (loadInferenceModel)`);
  }
}

export function argmax(row: ArrayLike<number>, offset = 0, length = NUM_CLASSES): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (row[offset + c] > row[offset + best]) best = c;
  return best;
}

/** Class probabilities for every image of a dataset, predicted in batches (by a tfjs classifier or an ONNX Runtime model). */
export async function predictAll(
  classifier: { batchSize?: number; predictProba(pixels: Float32Array, count: number): Float32Array | Promise<Float32Array> },
  data: LabelledImages,
  batchSize = classifier.batchSize ?? 512,
): Promise<Float32Array> {
  const out = new Float32Array(data.count * NUM_CLASSES);
  for (let start = 0; start < data.count; start += batchSize) {
    const n = Math.min(batchSize, data.count - start);
    const pixels = bytesToUnitFloats(data.images.subarray(start * IMAGE_PIXELS, (start + n) * IMAGE_PIXELS));
    out.set(await classifier.predictProba(pixels, n), start * NUM_CLASSES);
  }
  return out;
}

/** The most probable class of each of `count` rows. */
export function argmaxRows(probabilities: Float32Array, count: number): Uint8Array {
  return Uint8Array.from({ length: count }, (_, k) => argmax(probabilities, k * NUM_CLASSES));
}

export function accuracyOf(probabilities: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  for (let k = 0; k < labels.length; k++) if (argmax(probabilities, k * NUM_CLASSES) === labels[k]) correct++;
  return labels.length === 0 ? 0 : correct / labels.length;
}
