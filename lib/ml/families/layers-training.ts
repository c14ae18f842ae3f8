import type * as tfjs from "@tensorflow/tfjs";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { seededRandom, shuffledIndices } from "@/lib/random";
import type { Tf } from "../backend";
import { gather, imageTensor, oneHotLabels } from "./tfjs-io";
import type { LabelledImages, TrainProgress } from "./types";

export interface LayersTrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Cosine decay from learningRate to learningRate x finalLearningRateFraction over all steps. */
  finalLearningRateFraction: number;
  seed: number;
  /** Alters a batch of unit-float pixels in place (data augmentation). */
  augment?: (pixels: Float32Array, count: number, random: () => number) => void;
}

/**
 * Minibatch training with Adam, a cosine learning-rate schedule and optional augmentation.
 * A hand-written loop (rather than model.fit) so each batch can be augmented in JS and the
 * schedule can change per step.
 */
export async function trainLayersModel(
  tf: Tf,
  model: tfjs.LayersModel,
  data: LabelledImages,
  options: LayersTrainingOptions,
  onProgress: (p: TrainProgress) => void,
): Promise<void> {
  const optimizer = tf.train.adam(options.learningRate);
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  // tfjs exposes no setter for Adam's rate; the field is read on every step.
  const setLearningRate = (lr: number) => ((optimizer as unknown as { learningRate: number }).learningRate = lr);

  const random = seededRandom(options.seed);
  const stepsPerEpoch = Math.ceil(data.count / options.batchSize);
  const totalSteps = stepsPerEpoch * options.epochs;
  const started = performance.now();
  let step = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = shuffledIndices(data.count, random);
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const end = Math.min(start + options.batchSize, data.count);
      const batch = gather(data, order, start, end);
      const n = end - start;
      options.augment?.(batch.pixels, n, random);
      const progress = step / Math.max(1, totalSteps - 1);
      const floor = options.finalLearningRateFraction;
      setLearningRate(options.learningRate * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress))));
      const xs = imageTensor(tf, batch.pixels, n);
      const ys = oneHotLabels(tf, batch.labels);
      const [loss, acc] = (await model.trainOnBatch(xs, ys)) as number[];
      xs.dispose();
      ys.dispose();
      lossSum += loss * n;
      accSum += acc * n;
      seen += n;
      step++;
    }
    const elapsed = (performance.now() - started) / 1000;
    onProgress({
      epoch,
      epochs: options.epochs,
      loss: lossSum / seen,
      accuracy: accSum / seen,
      etaSeconds: (elapsed / epoch) * (options.epochs - epoch),
    });
  }
}

/**
 * Random affine augmentation (rotation, scale, shear, translation) with bilinear sampling,
 * the usual recipe for MNIST-like characters. Operates on 28x28 unit floats in place.
 */
export function randomAffine(limits: {
  rotateDegrees: number;
  scale: number;
  shear: number;
  translate: number;
}): (pixels: Float32Array, count: number, random: () => number) => void {
  const side = 28;
  const centre = (side - 1) / 2;
  const scratch = new Float32Array(IMAGE_PIXELS);
  return (pixels, count, random) => {
    const uniform = (limit: number) => (random() * 2 - 1) * limit;
    for (let k = 0; k < count; k++) {
      const angle = (uniform(limits.rotateDegrees) * Math.PI) / 180;
      const scale = 1 + uniform(limits.scale);
      const shear = uniform(limits.shear);
      const tx = uniform(limits.translate);
      const ty = uniform(limits.translate);
      // Inverse map: output pixel → source coordinate.
      const cos = Math.cos(angle) / scale;
      const sin = Math.sin(angle) / scale;
      const a = cos;
      const b = sin + shear * cos;
      const c = -sin;
      const d = cos - shear * sin;
      const base = k * IMAGE_PIXELS;
      scratch.set(pixels.subarray(base, base + IMAGE_PIXELS));
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const dx = x - centre - tx;
          const dy = y - centre - ty;
          const sx = a * dx + b * dy + centre;
          const sy = c * dx + d * dy + centre;
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          const at = (xx: number, yy: number) => (xx >= 0 && xx < side && yy >= 0 && yy < side ? scratch[yy * side + xx] : 0);
          pixels[base + y * side + x] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
        }
      }
    }
  };
}
