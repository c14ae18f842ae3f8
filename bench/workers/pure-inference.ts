/** Worker for bench/benchmark.ts: predicts a dataset `reps` times with one model, nothing else, and reports each pass's milliseconds. */
import { parentPort, workerData } from "node:worker_threads";
import { loadInferenceModel, predictAll, type InferencePreference, type LabelledImages, type ModelArtifact } from "@/lib/ml";

const { artifact, data, reps, preference } = (
  workerData as { data: { artifact: ModelArtifact; data: LabelledImages; reps: number; preference: InferencePreference } }
).data;
// One thread per worker, as the engine gives each of its workers on a 2-core machine with 2 workers.
const classifier = await loadInferenceModel(artifact, { preference, threads: 1 });
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
