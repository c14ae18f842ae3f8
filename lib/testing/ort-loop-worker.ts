/** A worker thread that runs ONNX Runtime without pause (native-gate tests): a foreign CNN on batches of 256. */
import fs from "node:fs";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import { guardNativeCall } from "@/lib/workers";

const ort = await import("onnxruntime-node");
const bytes = fs.readFileSync(path.join(process.cwd(), "lib/ml/fixtures/foreign/torch-cnn.onnx"));
const session = await guardNativeCall(() => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }));
const input = new ort.Tensor("float32", new Float32Array(256 * 784).fill(0.5), [256, 1, 28, 28]);
parentPort!.postMessage("running");
for (;;) await guardNativeCall(() => session.run({ image: input }));
