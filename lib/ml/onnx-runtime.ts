import type { InferenceSession, Tensor } from "onnxruntime-node";
import { KMNIST_CLASSES, NUM_CLASSES } from "@/lib/kmnist";
import { beforeThreadStops, guardNativeCall } from "@/lib/workers";
import { KMNIST_PREPROCESSING, type ModelManifest } from "./artifact";
import { DIMS_OF_INPUT, inspectOnnx } from "./onnx-import";

/** A model on ONNX Runtime (CPU): probabilities for a batch of 28x28 images in 0-1, white on black, in KMNIST class order. */
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

/** What the model takes and gives (the manifest's preprocessing and labels). The ONNX form of a model trained here needs no conversion. */
export type OnnxForm = Pick<ModelManifest, "preprocessing" | "labels">;

const KMNIST_FORM: OnnxForm = { preprocessing: KMNIST_PREPROCESSING, labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })) };

function softmaxRows(values: Float32Array, rows: number) {
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES);
    const max = Math.max(...row);
    let sum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) sum += row[c] = Math.exp(row[c] - max);
    for (let c = 0; c < NUM_CLASSES; c++) row[c] /= sum;
  }
}

// Sessions alive in this thread: freed before the thread is stopped (lib/workers/native-gate.ts).
const liveSessions = new Set<InferenceSession>();
beforeThreadStops(async () => {
  // The gate is closed and no call is in flight: release directly, not through guardNativeCall.
  for (const session of liveSessions) await session.release();
  liveSessions.clear();
});

/**
 * Loads an ONNX model into an ONNX Runtime session: the ONNX form of a model trained here
 * (lib/ml/onnx-export.ts), or an imported one whose form converts our images (scale,
 * polarity, layout) and its answers (softmax of logits, output order) on the way.
 * onnxruntime-node is loaded on first use: where its native binary cannot load, this throws
 * and callers fall back to tfjs.
 */
export async function loadOnnxClassifier(model: Uint8Array, options: OnnxOptions, form: OnnxForm = KMNIST_FORM): Promise<OnnxClassifier> {
  const { preprocessing, labels } = form;
  const signature = inspectOnnx(model, preprocessing.input);
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
  liveSessions.add(session);
  const scale = preprocessing.scale === "0-255" ? 255 : 1;
  const invert = preprocessing.polarity === "black-ink-on-white";
  const converts = scale !== 1 || invert;
  const reorders = labels.some((l, k) => l.label !== k);
  const imageDims = DIMS_OF_INPUT[preprocessing.input];
  const perRun = signature.fixedBatch ?? Infinity;

  const run = async (pixels: Float32Array, count: number): Promise<Float32Array> => {
    const input = new ort.Tensor("float32", pixels, [count, ...imageDims]);
    const result = await guardNativeCall(() => session.run({ [signature.inputName]: input }));
    const output: Tensor = result[signature.outputName];
    const data = new Float32Array(output.data as Float32Array);
    input.dispose();
    for (const tensor of Object.values(result)) tensor.dispose();
    if (data.length !== count * NUM_CLASSES) throw new Error(`the model answered ${data.length} values for ${count} images; expected ${count * NUM_CLASSES}`);
    return data;
  };

  return {
    runtime: `onnxruntime-node ${ort.env.versions.node ?? ""} (${options.intraOpNumThreads} thread${options.intraOpNumThreads === 1 ? "" : "s"})`.replace(
      "  ",
      " ",
    ),
    async predictProba(pixels, count) {
      const fed = converts ? pixels.map((v) => (invert ? 1 - v : v) * scale) : pixels;
      let out: Float32Array;
      if (count <= perRun) out = await run(fed, count);
      else {
        out = new Float32Array(count * NUM_CLASSES);
        const size = fed.length / count;
        for (let k = 0; k < count; k++) out.set(await run(fed.subarray(k * size, (k + 1) * size), 1), k * NUM_CLASSES);
      }
      if (preprocessing.output === "logits") softmaxRows(out, count);
      if (!reorders) return out;
      const ordered = new Float32Array(out.length);
      for (let k = 0; k < count; k++) for (let j = 0; j < NUM_CLASSES; j++) ordered[k * NUM_CLASSES + labels[j].label] = out[k * NUM_CLASSES + j];
      return ordered;
    },
    release: async () => {
      if (!liveSessions.delete(session)) return;
      await guardNativeCall(() => session.release());
    },
  };
}
