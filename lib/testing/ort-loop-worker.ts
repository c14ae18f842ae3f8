/** A worker thread that runs ONNX Runtime without pause (native-gate tests): a foreign CNN on batches of 256. */
import fs from "node:fs";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import { loadOnnxClassifier, preprocessingOfOnnxSpec } from "@/lib/ml";

const bytes = fs.readFileSync(path.join(process.cwd(), "lib/ml/fixtures/foreign/torch-cnn.onnx"));
const form = preprocessingOfOnnxSpec({ layout: "nchw", scale: "0-1", polarity: "white-on-black", output: "logits" });
const model = await loadOnnxClassifier(bytes, { intraOpNumThreads: 1 }, form);
const pixels = new Float32Array(256 * 784).fill(0.5);
parentPort!.postMessage("running");
for (;;) await model.predictProba(pixels, 256);
