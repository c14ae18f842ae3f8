import type * as tfjs from "@tensorflow/tfjs";
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from "@/lib/kmnist";
import type { Tf } from "../backend";
import type { Classifier, LabelledImages, LinearWeights, TrainedWeights } from "./types";

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

export function bytesToUnitFloats(images: Uint8Array): Float32Array {
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = images[i] / 255;
  return out;
}

export function imageTensor(tf: Tf, pixels: Float32Array, count: number): tfjs.Tensor4D {
  return tf.tensor4d(pixels, [count, IMAGE_SIDE, IMAGE_SIDE, 1]);
}

export function oneHotLabels(tf: Tf, labels: Uint8Array): tfjs.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), NUM_CLASSES).toFloat() as tfjs.Tensor2D);
}

/** Saves a layers model in the standard tfjs format (model.json + one weights.bin). */
export async function serialiseLayersModel(tf: Tf, model: tfjs.LayersModel): Promise<TrainedWeights> {
  let files: Record<string, Uint8Array> | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const buffer = Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : (weightData as ArrayBuffer);
      const modelJson = {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
      };
      files = { [MODEL_JSON]: Buffer.from(JSON.stringify(modelJson)), [WEIGHTS_BIN]: new Uint8Array(buffer) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!files) throw new Error("tfjs did not hand over the model artifacts");
  return { files };
}

export async function loadLayersClassifier(tf: Tf, files: Record<string, Uint8Array>): Promise<Classifier> {
  const modelJson = JSON.parse(Buffer.from(files[MODEL_JSON]).toString("utf8")) as {
    modelTopology: object;
    weightsManifest: Array<{ weights: tfjs.io.WeightsManifestEntry[] }>;
  };
  const weights = files[WEIGHTS_BIN];
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((m) => m.weights), weightData }),
  );
  const linear = linearSoftmaxWeights(model);
  return {
    predictProba(pixels, count) {
      return tf.tidy(() => {
        const out = model.predict(imageTensor(tf, pixels, count)) as tfjs.Tensor;
        return out.dataSync() as Float32Array;
      });
    },
    inputGradients(pixels, count, targets) {
      return tf.tidy(() => {
        const mask = tf.oneHot(tf.tensor1d(targets, "int32"), NUM_CLASSES).toFloat();
        const gradient = tf.grad((x: tfjs.Tensor) => tf.sum(tf.mul(model.apply(x, { training: false }) as tfjs.Tensor, mask)));
        // A copy: the backend may reuse the array it hands out once the tensor is disposed.
        return new Float32Array(gradient(imageTensor(tf, pixels, count)).dataSync());
      });
    },
    ...(linear ? { linearWeights: () => linear } : {}),
    dispose: () => model.dispose(),
  };
}

/** The kernel and bias when the model is Flatten → Dense(softmax), i.e. logistic regression. */
function linearSoftmaxWeights(model: tfjs.LayersModel): LinearWeights | null {
  const layers = model.layers.filter((l) => !["Flatten", "InputLayer"].includes(l.getClassName()));
  if (layers.length !== 1 || layers[0].getClassName() !== "Dense" || layers[0].getConfig().activation !== "softmax") return null;
  const [kernel, bias] = layers[0].getWeights();
  if (kernel.shape[0] !== IMAGE_PIXELS || kernel.shape[1] !== NUM_CLASSES) return null;
  return {
    kernel: new Float32Array(kernel.dataSync()),
    bias: bias ? new Float32Array(bias.dataSync()) : new Float32Array(NUM_CLASSES),
  };
}

/** Copies the chosen examples (in order) into fresh unit-float pixels and labels. */
export function gather(data: LabelledImages, order: ArrayLike<number>, start: number, end: number) {
  const n = end - start;
  const pixels = new Float32Array(n * IMAGE_PIXELS);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const src = order[start + k];
    labels[k] = data.labels[src];
    const offset = src * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) pixels[k * IMAGE_PIXELS + p] = data.images[offset + p] / 255;
  }
  return { pixels, labels };
}
