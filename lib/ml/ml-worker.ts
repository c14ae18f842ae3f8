import { parentPort, workerData } from "node:worker_threads";
import type { ModelArtifact } from "./artifact";
import { mlRuntime } from "./backend";
import { accuracyOf, argmaxRows, loadClassifier, predictAll } from "./classifier";
import type { LabelledImages, TrainProgress } from "./families/types";
import { runTrainJob, type TrainJob, type TrainJobResult } from "./train-job";

/** Worker-thread entry for heavy ML work, so it never runs on the caller's thread. */
export type MlWorkerJob = { kind: "train"; job: TrainJob } | { kind: "evaluate"; artifact: ModelArtifact; data: LabelledImages };

export type MlWorkerResult = { kind: "train"; result: TrainJobResult } | { kind: "evaluate"; accuracy: number; predicted: Uint8Array };

export type WorkerMessage =
  { type: "progress"; progress: TrainProgress } | { type: "done"; result: MlWorkerResult } | { type: "error"; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error("ml-worker must run in a worker thread");

async function run(job: MlWorkerJob): Promise<MlWorkerResult> {
  if (job.kind === "train") {
    return { kind: "train", result: await runTrainJob(job.job, (progress) => port!.postMessage({ type: "progress", progress } satisfies WorkerMessage)) };
  }
  const classifier = await loadClassifier(await mlRuntime(), job.artifact);
  try {
    const probabilities = await predictAll(classifier, job.data);
    return { kind: "evaluate", accuracy: accuracyOf(probabilities, job.data.labels), predicted: argmaxRows(probabilities, job.data.count) };
  } finally {
    classifier.dispose();
  }
}

run((workerData as { data: MlWorkerJob }).data)
  .then((result) => port.postMessage({ type: "done", result } satisfies WorkerMessage))
  .catch((error: Error) => port.postMessage({ type: "error", message: error.message, stack: error.stack } satisfies WorkerMessage));
