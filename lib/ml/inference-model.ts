import type { ModelArtifact } from "./artifact";
import { mlRuntime } from "./backend";
import { loadClassifier } from "./classifier";
import { ONNX_FILE } from "./onnx-export";
import { loadOnnxClassifier, type OnnxClassifier } from "./onnx-runtime";

/** Which runtime serves and benchmarks models (ML_INFERENCE). */
export type InferencePreference = "auto" | "onnx" | "tfjs";

/** A loaded model as serving and the benchmark engine use it: batched probabilities, and the runtime that computes them. */
export interface InferenceModel {
  /** "onnxruntime", or the tfjs backend ("wasm", "tensorflow"): recorded with benchmarks. */
  runtime: string;
  detail: string;
  /** How many images one call should carry when predicting a whole dataset. */
  batchSize: number;
  predictProba(pixels: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export class NoOnnxFormError extends Error {
  override name = "NoOnnxFormError";
}

const onOnnxRuntime = (session: OnnxClassifier): InferenceModel => ({
  runtime: "onnxruntime",
  detail: session.runtime,
  // A fresh session's first pass allocates its buffers: at 128 images it took 18 ms for a
  // small CNN where 512 took 31 (warm passes are the same), and benchmarks run fresh sessions.
  batchSize: 128,
  predictProba: session.predictProba,
  dispose: session.release,
});

/**
 * An imported ONNX model always runs on ONNX Runtime. Others: ONNX Runtime where the artifact has an ONNX form and the runtime loads (`auto`, the
 * default), else tfjs; `onnx` refuses models without one, `tfjs` never uses it. `threads`:
 * ONNX Runtime's intra-op threads for this model, chosen by the caller from how many workers
 * share the cores.
 */
export async function loadInferenceModel(artifact: ModelArtifact, options: { preference: InferencePreference; threads: number }): Promise<InferenceModel> {
  const onnxBytes = artifact.files[ONNX_FILE];
  if (artifact.manifest.runtime === "onnx") {
    // An imported model has no other form: no fallback, whatever ML_INFERENCE says.
    return onOnnxRuntime(await loadOnnxClassifier(onnxBytes, { intraOpNumThreads: options.threads }, artifact.manifest));
  }
  if (options.preference !== "tfjs") {
    if (onnxBytes) {
      try {
        return onOnnxRuntime(await loadOnnxClassifier(onnxBytes, { intraOpNumThreads: options.threads }));
      } catch (error) {
        if (options.preference === "onnx") throw error;
      }
    } else if (options.preference === "onnx") {
      throw new NoOnnxFormError(`${artifact.manifest.name}@${artifact.manifest.version ?? "?"} has no ONNX form (ML_INFERENCE=onnx)`);
    }
  }
  const rt = await mlRuntime();
  const classifier = await loadClassifier(rt, artifact);
  return {
    runtime: rt.backend,
    detail: rt.detail,
    batchSize: 512,
    predictProba: async (pixels, count) => classifier.predictProba(pixels, count),
    dispose: async () => classifier.dispose(),
  };
}
