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
}

export type Runtime = "tfjs-layers" | "decision-tree-json";

export interface TrainedWeights {
  files: Record<string, Uint8Array>;
}

/** A model that turns images into class probabilities; owns any native memory it holds. */
export interface Classifier {
  /** `count` x 10 probabilities, row-major. `pixels` are count x 784 floats in [0, 1]. */
  predictProba(pixels: Float32Array, count: number): Float32Array;
  dispose(): void;
}

export interface ModelFamily<Schema extends z.ZodType = z.ZodType> {
  algorithm: string;
  title: string;
  runtime: Runtime;
  hyperparameters: Schema;
  train(
    rt: MlRuntime,
    data: LabelledImages,
    hyperparameters: z.infer<Schema>,
    onProgress: (p: TrainProgress) => void,
  ): Promise<TrainedWeights>;
}
