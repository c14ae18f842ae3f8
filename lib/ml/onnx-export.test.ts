import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KMNIST_FILES, offlineSplitOf, parseIdx } from "@/lib/data";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { KMNIST_PREPROCESSING } from "./artifact";
import { mlRuntime, type MlRuntime } from "./backend";
import { modelFamily } from "./families";
import { buildCnn } from "./families/cnn";
import { bytesToUnitFloats, loadLayersClassifier, serialiseLayersModel } from "./families/tfjs-io";
import type { LabelledImages, TrainedWeights } from "./families/types";
import { layersModelToOnnx, OnnxExportError } from "./onnx-export";
import { loadOnnxClassifier } from "./onnx-runtime";

/**
 * The ONNX export against tfjs on the real KMNIST holdout (the offline protocol's 2,000):
 * both runtimes on every image, max |Δp| ≤ 1e-4 and the same class on ≥ 99.9 % of them.
 */
let rt: MlRuntime;
let train: LabelledImages;
let holdout: LabelledImages;

beforeAll(async () => {
  rt = await mlRuntime("wasm");
  const images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testImages.name))).data;
  const labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, KMNIST_FILES.testLabels.name))).data;
  const split = offlineSplitOf(labels);
  const pick = (wanted: "train" | "holdout"): LabelledImages => {
    const idx = [...labels.keys()].filter((i) => split[i] === wanted);
    const out = new Uint8Array(idx.length * 784);
    idx.forEach((k, j) => out.set(images.subarray(k * 784, (k + 1) * 784), j * 784));
    return { count: idx.length, images: out, labels: Uint8Array.from(idx, (k) => labels[k]) };
  };
  train = pick("train");
  holdout = pick("holdout");
}, 60_000);

async function compare(weights: TrainedWeights) {
  const onnxModel = layersModelToOnnx(weights.files, { producerVersion: "test" });
  const tfjs = await loadLayersClassifier(rt.tf, weights.files);
  const ort = await loadOnnxClassifier(onnxModel, { intraOpNumThreads: 1 });
  try {
    const pixels = bytesToUnitFloats(holdout.images);
    const expected = tfjs.predictProba(pixels, holdout.count);
    const actual = await ort.predictProba(pixels, holdout.count);
    expect(actual.length).toBe(expected.length);
    let maxDelta = 0;
    let sameClass = 0;
    for (let i = 0; i < holdout.count; i++) {
      let a = 0;
      let b = 0;
      for (let c = 0; c < 10; c++) {
        maxDelta = Math.max(maxDelta, Math.abs(actual[i * 10 + c] - expected[i * 10 + c]));
        if (actual[i * 10 + c] > actual[i * 10 + a]) a = c;
        if (expected[i * 10 + c] > expected[i * 10 + b]) b = c;
      }
      if (a === b) sameClass++;
    }
    return { maxDelta, agreement: sameClass / holdout.count, bytes: onnxModel.length };
  } finally {
    tfjs.dispose();
    await ort.release();
  }
}

describe("layersModelToOnnx (ONNX Runtime against tfjs on the KMNIST holdout)", () => {
  it.each([
    ["logreg", { epochs: 2 }],
    ["cnn", { epochs: 1, filters: 8, denseUnits: 32, augment: false }],
  ] as const)(
    "%s: max |Δp| ≤ 1e-4, the same class on ≥ 99.9 % of 2,000 images",
    async (algorithm, hp) => {
      const family = modelFamily(algorithm);
      const weights = await family.train(rt, train, family.hyperparameters.parse(hp), () => undefined);
      const result = await compare(weights);
      console.log(`${algorithm}: max |Δp| ${result.maxDelta.toExponential(2)}, same class ${(result.agreement * 100).toFixed(2)}%, ${result.bytes} bytes`);
      expect(result.maxDelta).toBeLessThanOrEqual(1e-4);
      expect(result.agreement).toBeGreaterThanOrEqual(0.999);
    },
    180_000,
  );

  it("exports batch normalisation too (untrained weights with moved statistics)", async () => {
    const model = buildCnn(rt.tf, { filters: 4, denseUnits: 16, dropout: 0, batchNorm: true, seed: 7 });
    // Moving statistics away from 0/1 so that the export has to carry them.
    for (const w of model.weights) {
      if (w.name.includes("moving_mean")) w.write(rt.tf.fill(w.shape as number[], 0.1));
      if (w.name.includes("moving_variance")) w.write(rt.tf.fill(w.shape as number[], 2));
    }
    const result = await compare(await serialiseLayersModel(rt.tf, model));
    model.dispose();
    expect(result.maxDelta).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it("refuses layers it cannot export, by name", async () => {
    const model = rt.tf.sequential({ layers: [rt.tf.layers.flatten({ inputShape: [28, 28, 1] }), rt.tf.layers.dense({ units: 10, activation: "elu" })] });
    const weights = await serialiseLayersModel(rt.tf, model);
    model.dispose();
    expect(() => layersModelToOnnx(weights.files, { producerVersion: "test" })).toThrow(OnnxExportError);
    expect(() => layersModelToOnnx(weights.files, { producerVersion: "test" })).toThrow(/activation elu has no ONNX form/);
  });
});

describe("loadInferenceModel (ML_INFERENCE)", () => {
  it("serves a model's ONNX form on ONNX Runtime, falls back to tfjs without one, and refuses with onnx", async () => {
    const { buildArtifact } = await import("./artifact");
    const { loadInferenceModel, NoOnnxFormError } = await import("./inference-model");
    const { predictAll } = await import("./classifier");
    const family = modelFamily("logreg");
    const weights = await family.train(rt, train, family.hyperparameters.parse({ epochs: 1 }), () => undefined);
    const manifest = {
      name: "ort-test",
      algorithm: "logreg",
      author: "tests",
      datasetTag: "kmnist-holdout",
      runtime: "tfjs-layers" as const,
      hyperparameters: {},
      preprocessing: KMNIST_PREPROCESSING,
      labels: Array.from({ length: 10 }, (_, label) => ({ label, char: "おきすつなはまやれを"[label] })),
      metrics: [],
      created: new Date().toISOString(),
      frameworkVersions: {},
      trainingData: null,
    };
    const withOnnx = buildArtifact(manifest, { ...weights.files, "model.onnx": layersModelToOnnx(weights.files, { producerVersion: "test" }) });
    const withoutOnnx = buildArtifact(manifest, weights.files);

    const onOrt = await loadInferenceModel(withOnnx, { preference: "auto", threads: 1 });
    const onTfjs = await loadInferenceModel(withOnnx, { preference: "tfjs", threads: 1 });
    const fallback = await loadInferenceModel(withoutOnnx, { preference: "auto", threads: 1 });
    expect([onOrt.runtime, onTfjs.runtime, fallback.runtime]).toEqual(["onnxruntime", rt.backend, rt.backend]);
    const [a, b] = [await predictAll(onOrt, holdout), await predictAll(onTfjs, holdout)];
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThanOrEqual(1e-4);
    for (const m of [onOrt, onTfjs, fallback]) await m.dispose();
    await expect(loadInferenceModel(withoutOnnx, { preference: "onnx", threads: 1 })).rejects.toThrow(NoOnnxFormError);
  }, 60_000);
});
