import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { argmax, bytesToUnitFloats, type Classifier, type LabelledImages } from "@/lib/ml";
import { integratedGradients } from "./integrated-gradients";
import { kernelShap, patchValuesToPixels } from "./kernel-shap";
import { linearShap } from "./linear";
import type { ExplanationExample, ExplanationMethodResult } from "./types";

export interface ExplainOptions {
  /** Samples explained per class (the first ones of each class, in dataset order). */
  perClass: number;
  /** Example explanations kept of correct and of wrong predictions, each. */
  examples: number;
  integratedGradientsSteps: number;
  kernelShap: { patch: number; samples: number; seed: number };
}

export const DEFAULT_EXPLAIN_OPTIONS: ExplainOptions = {
  perClass: 8,
  examples: 3,
  integratedGradientsSteps: 16,
  kernelShap: { patch: 4, samples: 128, seed: 7 },
};

/** Four significant digits are plenty for a heatmap and keep the stored JSON small. */
const compact = (values: ArrayLike<number>) => Array.from(values, (v) => (v === 0 ? 0 : Number(v.toPrecision(4))));

interface Chosen {
  indices: number[];
  pixels: Float32Array;
  labels: Int32Array;
  predicted: Int32Array;
  confidence: Float32Array;
}

async function choose(classifier: ExplainableModel, data: LabelledImages, perClass: number): Promise<Chosen> {
  const taken = new Array<number>(NUM_CLASSES).fill(0);
  const indices: number[] = [];
  for (let k = 0; k < data.count; k++) {
    if (taken[data.labels[k]] < perClass) {
      taken[data.labels[k]]++;
      indices.push(k);
    }
  }
  const pixels = new Float32Array(indices.length * IMAGE_PIXELS);
  indices.forEach((k, j) => pixels.set(bytesToUnitFloats(data.images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS)), j * IMAGE_PIXELS));
  const probabilities = await classifier.predictProba(pixels, indices.length);
  const predicted = Int32Array.from(indices, (_, j) => argmax(probabilities, j * NUM_CLASSES));
  return {
    indices,
    pixels,
    labels: Int32Array.from(indices, (k) => data.labels[k]),
    predicted,
    confidence: Float32Array.from(indices, (_, j) => probabilities[j * NUM_CLASSES + predicted[j]]),
  };
}

/** Which of the chosen samples become example explanations: the first correct and wrong ones. */
function exampleSlots(chosen: Chosen, perKind: number): number[] {
  const correct = chosen.indices.map((_, j) => j).filter((j) => chosen.predicted[j] === chosen.labels[j]);
  const wrong = chosen.indices.map((_, j) => j).filter((j) => chosen.predicted[j] !== chosen.labels[j]);
  return [...correct.slice(0, perKind), ...wrong.slice(0, perKind)];
}

/**
 * Builds one method's result from a function giving the 784 attributions of chosen sample
 * j towards class c: per-class means towards the true class, and the examples towards
 * their predicted class.
 */
function summarise(
  method: ExplanationMethodResult["method"],
  title: string,
  chosen: Chosen,
  data: LabelledImages,
  slots: number[],
  attribution: (j: number, c: number) => Float32Array,
  started: number,
  parameters: Record<string, unknown>,
): ExplanationMethodResult {
  const sums = Array.from({ length: NUM_CLASSES }, () => new Float64Array(IMAGE_PIXELS));
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  chosen.indices.forEach((_, j) => {
    const a = attribution(j, chosen.labels[j]);
    const sum = sums[chosen.labels[j]];
    for (let i = 0; i < IMAGE_PIXELS; i++) sum[i] += a[i];
    counts[chosen.labels[j]]++;
  });
  const examples: ExplanationExample[] = slots.map((j) => {
    const k = chosen.indices[j];
    return {
      index: k,
      label: chosen.labels[j],
      predicted: chosen.predicted[j],
      confidence: Number(chosen.confidence[j].toPrecision(4)),
      image: Array.from(data.images.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS)),
      attribution: compact(attribution(j, chosen.predicted[j])),
    };
  });
  return {
    method,
    title,
    classMeans: sums.map((sum, c) => compact(sum.map((v) => (counts[c] ? v / counts[c] : 0)))),
    examples,
    samples: chosen.indices.length,
    seconds: (performance.now() - started) / 1000,
    parameters,
  };
}

/**
 * What explaining needs of a model: probabilities (synchronous from tfjs, asynchronous from
 * ONNX Runtime), and gradients or linear weights where the model can give them (models
 * trained here, on tfjs).
 */
export type ExplainableModel = Pick<Classifier, "inputGradients" | "linearWeights"> & {
  predictProba(pixels: Float32Array, count: number): Float32Array | Promise<Float32Array>;
};

/**
 * Explains a model on a labelled dataset with every method that applies to it: exact linear
 * SHAP for a linear model, integrated gradients for a differentiable one, and KernelSHAP
 * over image patches for any model.
 */
export async function explainModel(
  classifier: ExplainableModel,
  data: LabelledImages,
  options: ExplainOptions = DEFAULT_EXPLAIN_OPTIONS,
): Promise<ExplanationMethodResult[]> {
  const chosen = await choose(classifier, data, options.perClass);
  const slots = exampleSlots(chosen, options.examples);
  const results: ExplanationMethodResult[] = [];
  const n = chosen.indices.length;

  if (classifier.linearWeights) {
    const started = performance.now();
    const mean = new Float32Array(IMAGE_PIXELS);
    for (let k = 0; k < data.count; k++) for (let i = 0; i < IMAGE_PIXELS; i++) mean[i] += data.images[k * IMAGE_PIXELS + i] / 255 / data.count;
    const values = linearShap(classifier.linearWeights(), chosen.pixels, n, mean);
    const attribution = (j: number, c: number) => Float32Array.from({ length: IMAGE_PIXELS }, (_, i) => values[(j * IMAGE_PIXELS + i) * NUM_CLASSES + c]);
    results.push(
      summarise("linear_shap", "Exact linear SHAP (logits, background = dataset mean)", chosen, data, slots, attribution, started, {
        background: "dataset mean",
      }),
    );
  }

  if (classifier.inputGradients) {
    const started = performance.now();
    const steps = options.integratedGradientsSteps;
    const towardsLabel = integratedGradients(classifier, chosen.pixels, n, chosen.labels, { steps });
    // Examples are explained towards their prediction, which differs from the label when wrong.
    const wrongSlots = slots.filter((j) => chosen.predicted[j] !== chosen.labels[j]);
    const wrongPixels = new Float32Array(wrongSlots.length * IMAGE_PIXELS);
    wrongSlots.forEach((j, w) => wrongPixels.set(chosen.pixels.subarray(j * IMAGE_PIXELS, (j + 1) * IMAGE_PIXELS), w * IMAGE_PIXELS));
    const towardsPrediction = integratedGradients(
      classifier,
      wrongPixels,
      wrongSlots.length,
      Int32Array.from(wrongSlots, (j) => chosen.predicted[j]),
      { steps },
    );
    const attribution = (j: number, c: number) => {
      const w = wrongSlots.indexOf(j);
      const source = c === chosen.labels[j] || w < 0 ? towardsLabel.subarray(j * IMAGE_PIXELS) : towardsPrediction.subarray(w * IMAGE_PIXELS);
      return source.slice(0, IMAGE_PIXELS);
    };
    results.push(
      summarise("integrated_gradients", "Integrated gradients (probability, black baseline)", chosen, data, slots, attribution, started, {
        steps,
        baseline: "black",
      }),
    );
  }

  {
    const started = performance.now();
    const { patch, samples, seed } = options.kernelShap;
    const predict = (pixels: Float32Array, count: number) => classifier.predictProba(pixels, count);
    const perImage: Awaited<ReturnType<typeof kernelShap>>[] = [];
    for (let j = 0; j < chosen.indices.length; j++) {
      perImage.push(await kernelShap(predict, chosen.pixels.subarray(j * IMAGE_PIXELS, (j + 1) * IMAGE_PIXELS), { patch, samples, seed: seed + j }));
    }
    results.push(
      summarise(
        "kernel_shap",
        `KernelSHAP over ${patch}x${patch} patches (probability, black baseline)`,
        chosen,
        data,
        slots,
        (j, c) => patchValuesToPixels(perImage[j], patch, c),
        started,
        {
          patch,
          coalitions: samples,
          baseline: "black",
        },
      ),
    );
  }
  return results;
}
