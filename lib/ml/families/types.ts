import type { z } from "zod";
import type { MlRuntime } from "../backend";

/** Images as KMNIST stores them: `count` x 784 bytes, white ink on black. */
export interface LabelledImages {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss?: number;
  accuracy?: number;
  etaSeconds?: number;
  message?: string;
}

export type Runtime = "tfjs-layers" | "decision-tree-json" | "onnx";

export interface TrainedWeights {
  files: Record<string, Uint8Array>;
}

/** Weights of a model that is one dense softmax layer over the pixels (logistic regression). */
export interface LinearWeights {
  /** 784 x 10, row-major (pixel, class). */
  kernel: Float32Array;
  bias: Float32Array;
}

/** A model that turns images into class probabilities; owns any native memory it holds. */
export interface Classifier {
  /** `count` x 10 probabilities, row-major. `pixels` are count x 784 floats in [0, 1]. */
  predictProba(pixels: Float32Array, count: number): Float32Array;
  /** Gradient of each image's `targets[k]` probability with respect to its pixels (differentiable models only). */
  inputGradients?(pixels: Float32Array, count: number, targets: Int32Array): Float32Array;
  /** Present when the model is linear in its pixels up to the softmax. */
  linearWeights?(): LinearWeights;
  dispose(): void;
}

export interface ModelFamily<Schema extends z.ZodType = z.ZodType> {
  algorithm: string;
  title: string;
  runtime: Runtime;
  hyperparameters: Schema;
  train(rt: MlRuntime, data: LabelledImages, hyperparameters: z.infer<Schema>, onProgress: (p: TrainProgress) => void): Promise<TrainedWeights>;
}
