/**
 * Inference in-process, tfjs (this machine's backend) against ONNX Runtime on the ONNX form
 * the project exports (lib/ml/onnx-export.ts), per model family: one image at a time and
 * batches of 64, ONNX Runtime on 1 and 2 threads; medians of 7 runs in one process.
 * Goal (issue #19): the default CNN ≥ 10,000 img/s batched and ≤ 0.2 ms single on ONNX Runtime.
 * Weights are the families' seeded initial weights: speed does not depend on their values.
 * `npm run bench -- inference`
 */
import { buildCnn, bytesToUnitFloats, layersModelToOnnx, loadLayersClassifier, loadOnnxClassifier, mlRuntime, serialiseLayersModel } from "@/lib/ml";
import { medianMs, printTable, writeResults } from "./lib";

const rt = await mlRuntime();
const { tf } = rt;
const SINGLE_CALLS = 300;
const BATCHES = 30;
const BATCH = 64;
const pixels = bytesToUnitFloats(Uint8Array.from({ length: BATCH * 784 }, (_, i) => (i * 37) % 256));
const one = pixels.subarray(0, 784);

const models = {
  "cnn (default: 16 filters, dense 128)": buildCnn(tf, { filters: 16, denseUnits: 128, dropout: 0.3, batchNorm: false, seed: 42 }),
  logreg: tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })] }),
};

const rows: Array<Record<string, string | number>> = [];
const results: Array<Record<string, unknown>> = [];
for (const [name, model] of Object.entries(models)) {
  const weights = await serialiseLayersModel(tf, model);
  model.dispose();
  const onnxModel = layersModelToOnnx(weights.files, { producerVersion: "bench" });
  const tfjs = await loadLayersClassifier(tf, weights.files);
  const runtimes: Array<[string, { single: () => Promise<unknown>; batch: () => Promise<unknown> }]> = [
    [
      `tfjs-${rt.backend}`,
      {
        single: async () => {
          for (let i = 0; i < SINGLE_CALLS; i++) tfjs.predictProba(one, 1);
        },
        batch: async () => {
          for (let i = 0; i < BATCHES; i++) tfjs.predictProba(pixels, BATCH);
        },
      },
    ],
  ];
  const sessions = [];
  for (const threads of [1, 2]) {
    const ort = await loadOnnxClassifier(onnxModel, { intraOpNumThreads: threads });
    sessions.push(ort);
    runtimes.push([
      `onnxruntime, ${threads} thread${threads === 1 ? "" : "s"}`,
      {
        single: async () => {
          for (let i = 0; i < SINGLE_CALLS; i++) await ort.predictProba(one, 1);
        },
        batch: async () => {
          for (let i = 0; i < BATCHES; i++) await ort.predictProba(pixels, BATCH);
        },
      },
    ]);
  }
  for (const [runtime, run] of runtimes) {
    const singleMs = (await medianMs(run.single)) / SINGLE_CALLS;
    const batchMs = await medianMs(run.batch);
    const throughput = (BATCHES * BATCH) / (batchMs / 1000);
    rows.push({ model: name, runtime, "single image ms": singleMs.toFixed(3), "batch 64 img/s": Math.round(throughput) });
    results.push({ model: name, runtime, singleMs, imagesPerSecond: throughput });
  }
  tfjs.dispose();
  for (const s of sessions) await s.release();
}
printTable(rows);
const cnn = results.filter((r) => String(r.model).startsWith("cnn") && String(r.runtime).startsWith("onnxruntime"));
const best = { single: Math.min(...cnn.map((r) => r.singleMs as number)), batched: Math.max(...cnn.map((r) => r.imagesPerSecond as number)) };
console.log(
  `\ndefault CNN on ONNX Runtime: ${Math.round(best.batched)} img/s batched (goal ≥ 10,000), ${best.single.toFixed(3)} ms single (goal ≤ 0.2)` +
    `\nresults: ${writeResults("inference", { backend: rt.backend, singleCalls: SINGLE_CALLS, batches: BATCHES, batch: BATCH, results, goal: { imagesPerSecond: 10_000, singleMs: 0.2 }, best })}`,
);
