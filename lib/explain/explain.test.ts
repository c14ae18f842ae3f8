import { beforeAll, describe, expect, it } from "vitest";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import {
  buildCnn,
  growTree,
  loadLayersClassifier,
  mlRuntime,
  serialiseLayersModel,
  treeClassifier,
  type Classifier,
  type LinearWeights,
  type MlRuntime,
} from "@/lib/ml";
import { seededRandom } from "@/lib/random";
import { explainModel, integratedGradients, kernelShap, linearLogits, linearShap, patchValuesToPixels } from ".";

const random = seededRandom(11);
const randomPixels = (count: number) => Float32Array.from({ length: count * IMAGE_PIXELS }, () => (random() < 0.3 ? random() : 0));

/** A labelled set whose class is visible: class c has a bright block in row band c. */
function bandedData(perClass: number) {
  const count = perClass * NUM_CLASSES;
  const images = new Uint8Array(count * IMAGE_PIXELS);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const c = k % NUM_CLASSES;
    labels[k] = c;
    for (let y = 2 + 2 * c; y < 4 + 2 * c; y++) for (let x = 4; x < 24; x++) images[k * IMAGE_PIXELS + y * 28 + x] = 200 + (k % 50);
  }
  return { count, images, labels };
}

describe("exact linear SHAP", () => {
  it("sums, per image and class, to the logit minus the logit of the background", () => {
    const weights: LinearWeights = {
      kernel: Float32Array.from({ length: IMAGE_PIXELS * NUM_CLASSES }, () => random() - 0.5),
      bias: Float32Array.from({ length: NUM_CLASSES }, () => random()),
    };
    const pixels = randomPixels(3);
    const background = randomPixels(1);
    const values = linearShap(weights, pixels, 3, background);
    const logits = linearLogits(weights, pixels, 3);
    const baseLogits = linearLogits(weights, background, 1);
    for (let k = 0; k < 3; k++) {
      for (let c = 0; c < NUM_CLASSES; c++) {
        let sum = 0;
        for (let i = 0; i < IMAGE_PIXELS; i++) sum += values[(k * IMAGE_PIXELS + i) * NUM_CLASSES + c];
        expect(sum).toBeCloseTo(logits[k * NUM_CLASSES + c] - baseLogits[c], 3);
      }
    }
  });
});

describe("KernelSHAP over patches", () => {
  it("recovers an additive model's patch contributions exactly, with efficiency", async () => {
    // f_c(x) = Σ_i w_ci x_i is additive over patches: its Shapley values are the patch sums.
    const w = Float32Array.from({ length: IMAGE_PIXELS * NUM_CLASSES }, () => random() - 0.5);
    const additive = (pixels: Float32Array, count: number) => {
      const out = new Float32Array(count * NUM_CLASSES);
      for (let k = 0; k < count; k++)
        for (let i = 0; i < IMAGE_PIXELS; i++)
          for (let c = 0; c < NUM_CLASSES; c++) out[k * NUM_CLASSES + c] += w[i * NUM_CLASSES + c] * pixels[k * IMAGE_PIXELS + i];
      return out;
    };
    const image = randomPixels(1);
    const result = await kernelShap(additive, image, { patch: 7, samples: 64, seed: 3 });
    expect(result.players).toBe(16);
    for (let p = 0; p < 16; p++) {
      const [py, px] = [Math.floor(p / 4), p % 4];
      for (const c of [0, 4, 9]) {
        let expected = 0;
        for (let y = py * 7; y < py * 7 + 7; y++) for (let x = px * 7; x < px * 7 + 7; x++) expected += w[(y * 28 + x) * NUM_CLASSES + c] * image[y * 28 + x];
        expect(result.values[p * NUM_CLASSES + c]).toBeCloseTo(expected, 3);
      }
    }
    const heat = patchValuesToPixels(result, 7, 2);
    expect(heat.reduce((a, b) => a + b, 0)).toBeCloseTo(result.full[2] - result.base[2], 4);
  });

  it("gives a player that the model ignores no credit", async () => {
    // The model only looks at the top-left patch.
    const topLeft = (pixels: Float32Array, count: number) => {
      const out = new Float32Array(count * NUM_CLASSES);
      for (let k = 0; k < count; k++) out[k * NUM_CLASSES] = pixels[k * IMAGE_PIXELS] > 0.5 ? 1 : 0;
      return out;
    };
    const image = new Float32Array(IMAGE_PIXELS).fill(1);
    const result = await kernelShap(topLeft, image, { patch: 14, samples: 32, seed: 1 });
    expect(result.values[0]).toBeCloseTo(1, 6);
    for (let p = 1; p < 4; p++) expect(Math.abs(result.values[p * NUM_CLASSES])).toBeLessThan(1e-6);
  });
});

describe("on real models", () => {
  let rt: MlRuntime;
  let logreg: Classifier;
  let cnn: Classifier;
  beforeAll(async () => {
    rt = await mlRuntime("wasm");
    const { tf } = rt;
    const linear = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: NUM_CLASSES, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
      ],
    });
    logreg = await loadLayersClassifier(tf, (await serialiseLayersModel(tf, linear)).files);
    const conv = buildCnn(tf, { filters: 4, denseUnits: 16, dropout: 0, batchNorm: false, seed: 3 });
    cnn = await loadLayersClassifier(tf, (await serialiseLayersModel(tf, conv)).files);
  });

  it("knows which models are linear", () => {
    expect(logreg.linearWeights?.().kernel).toHaveLength(IMAGE_PIXELS * NUM_CLASSES);
    expect(cnn.linearWeights).toBeUndefined();
  });

  it("integrated gradients are complete: they sum to p(x) − p(black)", () => {
    const pixels = randomPixels(2);
    const targets = Int32Array.from([3, 7]);
    const attributions = integratedGradients(cnn, pixels, 2, targets, { steps: 64 });
    const p = cnn.predictProba(pixels, 2);
    const p0 = cnn.predictProba(new Float32Array(IMAGE_PIXELS), 1);
    for (let k = 0; k < 2; k++) {
      const sum = attributions.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(p[k * NUM_CLASSES + targets[k]] - p0[targets[k]], 2);
    }
  });

  it("explains each family with every method that applies", async () => {
    const data = bandedData(4);
    const options = { perClass: 2, examples: 2, integratedGradientsSteps: 4, kernelShap: { patch: 7, samples: 16, seed: 1 } };
    expect((await explainModel(logreg, data, options)).map((m) => m.method)).toEqual(["linear_shap", "integrated_gradients", "kernel_shap"]);
    const forCnn = await explainModel(cnn, data, options);
    expect(forCnn.map((m) => m.method)).toEqual(["integrated_gradients", "kernel_shap"]);
    const tree = treeClassifier(growTree(data, { maxDepth: 8, minSamplesSplit: 2, minSamplesLeaf: 1, bins: 16 }));
    const forTree = await explainModel(tree, data, options);
    expect(forTree.map((m) => m.method)).toEqual(["kernel_shap"]);

    const [kernel] = forTree;
    expect(kernel.samples).toBe(20);
    expect(kernel.classMeans).toHaveLength(NUM_CLASSES);
    expect(kernel.classMeans.every((m) => m.length === IMAGE_PIXELS)).toBe(true);
    // Up to two correct examples first, then up to two wrong ones, each towards its prediction.
    const correct = kernel.examples.filter((e) => e.label === e.predicted);
    expect(correct).toHaveLength(2);
    expect(kernel.examples.slice(0, 2)).toEqual(correct);
    expect(kernel.examples.every((e) => e.image.length === IMAGE_PIXELS && e.attribution.length === IMAGE_PIXELS)).toBe(true);
    // Class 0's band (rows 2-3) is what the tree looks at for class 0: it holds most of the credit.
    const band = (m: number[]) => m.slice(2 * 28, 4 * 28).reduce((a, b) => a + Math.abs(b), 0);
    const all = (m: number[]) => m.reduce((a, b) => a + Math.abs(b), 0);
    expect(band(kernel.classMeans[0]) / all(kernel.classMeans[0])).toBeGreaterThan(0.2);
  });
});
