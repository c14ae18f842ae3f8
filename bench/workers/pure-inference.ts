/** Worker for bench/benchmark.ts: predicts a dataset `reps` times with one model, nothing else, and reports each pass's milliseconds. */
import { parentPort, workerData } from "node:worker_threads";
import { loadInferenceModel, predictAll, type InferencePreference, type LabelledImages, type ModelArtifact } from "@/lib/ml";

const { artifact, data, reps, preference, threads } = (
  workerData as { data: { artifact: ModelArtifact; data: LabelledImages; reps: number; preference: InferencePreference; threads: number } }
).data;
// ONNX Runtime's threads as the engine gives them to each of its workers (tfjs-wasm always runs on one).
const classifier = await loadInferenceModel(artifact, { preference, threads });
await predictAll(classifier, data);
parentPort!.postMessage("ready");
parentPort!.once("message", async () => {
  const passes: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    await predictAll(classifier, data);
    passes.push(performance.now() - start);
  }
  parentPort!.postMessage(passes);
});
