import { z } from "zod";
import { IMAGE_SIDE, NUM_CLASSES } from "@/lib/kmnist";
import { trainLayersModel } from "./layers-training";
import { serialiseLayersModel } from "./tfjs-io";
import type { ModelFamily } from "./types";

const hyperparameters = z.object({
  epochs: z.number().int().min(1).max(500).default(40),
  batchSize: z.number().int().min(1).max(4096).default(128),
  learningRate: z.number().positive().max(1).default(0.002),
  l2: z.number().min(0).max(1).default(1e-4),
  seed: z.number().int().default(42),
});

/** Multinomial logistic regression: softmax over one dense layer on the 784 pixels. */
export const logisticRegression: ModelFamily<typeof hyperparameters> = {
  algorithm: "logreg",
  title: "Logistic regression",
  runtime: "tfjs-layers",
  hyperparameters,
  async train({ tf }, data, hp, onProgress) {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [IMAGE_SIDE, IMAGE_SIDE, 1] }),
        tf.layers.dense({
          units: NUM_CLASSES,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform({ seed: hp.seed }),
          kernelRegularizer: tf.regularizers.l2({ l2: hp.l2 }),
        }),
      ],
    });
    try {
      await trainLayersModel(
        tf,
        model,
        data,
        { epochs: hp.epochs, batchSize: hp.batchSize, learningRate: hp.learningRate, finalLearningRateFraction: 0.05, seed: hp.seed },
        onProgress,
      );
      return await serialiseLayersModel(tf, model);
    } finally {
      model.dispose();
    }
  },
};
