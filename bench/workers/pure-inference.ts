/** Worker for bench/benchmark.ts: predicts a dataset `reps` times with one model, nothing else, and reports each pass's milliseconds. */
import { parentPort, workerData } from "node:worker_threads";
import { loadClassifier, mlRuntime, predictAll, type LabelledImages, type ModelArtifact } from "@/lib/ml";

const { artifact, data, reps } = (workerData as { data: { artifact: ModelArtifact; data: LabelledImages; reps: number } }).data;
const classifier = await loadClassifier(await mlRuntime(), artifact);
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
