import type { InferenceSession } from "onnxruntime-node";
import { IMAGE_SIDE } from "@/lib/kmnist";
import { guardNativeCall } from "@/lib/workers";
import { ONNX_INPUT, ONNX_OUTPUT } from "./onnx-export";

/** A model on ONNX Runtime (CPU): probabilities for a batch of 28x28 images in 0-1, NHWC. */
export interface OnnxClassifier {
  predictProba(pixels: Float32Array, count: number): Promise<Float32Array>;
  /** The runtime and its settings, as recorded with benchmarks. */
  runtime: string;
  release(): Promise<void>;
}

export interface OnnxOptions {
  /** Threads one inference may use; a pool of N workers on C cores wants about C / N. */
  intraOpNumThreads: number;
}

/**
 * Loads an ONNX model exported by lib/ml/onnx-export.ts into an ONNX Runtime session.
 * onnxruntime-node is loaded on first use: where its native binary cannot load, this throws
 * and callers fall back to tfjs.
 */
export async function loadOnnxClassifier(model: Uint8Array, options: OnnxOptions): Promise<OnnxClassifier> {
  const ort = await import("onnxruntime-node");
  // Every native call is guarded: a worker thread terminated inside one aborts the process.
  const session: InferenceSession = await guardNativeCall(() =>
    ort.InferenceSession.create(model, {
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    }),
  );
  return {
    runtime: `onnxruntime-node ${ort.env.versions.node ?? ""} (${options.intraOpNumThreads} thread${options.intraOpNumThreads === 1 ? "" : "s"})`.replace(
      "  ",
      " ",
    ),
    async predictProba(pixels, count) {
      const input = new ort.Tensor("float32", pixels, [count, IMAGE_SIDE, IMAGE_SIDE, 1]);
      const result = await guardNativeCall(() => session.run({ [ONNX_INPUT]: input }));
      const output = result[ONNX_OUTPUT];
      const data = output.data as Float32Array;
      input.dispose();
      output.dispose();
      return data;
    },
    release: () => guardNativeCall(() => session.release()),
  };
}
