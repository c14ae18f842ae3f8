import { parentPort, workerData } from "node:worker_threads";
import { config } from "@/lib/config";
import type { ModelArtifact } from "./artifact";
import { accuracyOf, argmaxRows, predictAll } from "./classifier";
import type { LabelledImages, TrainProgress } from "./families/types";
import { loadInferenceModel } from "./inference-model";
import { runTrainJob, type TrainJob, type TrainJobResult } from "./train-job";

/** Worker-thread entry for heavy ML work, so it never runs on the caller's thread. */
export type MlWorkerJob = { kind: "train"; job: TrainJob } | { kind: "evaluate"; artifact: ModelArtifact; data: LabelledImages };

export type MlWorkerResult =
  { kind: "train"; result: TrainJobResult } | { kind: "evaluate"; accuracy: number; predicted: Uint8Array; probabilities: Float32Array };

export type WorkerMessage =
  { type: "progress"; progress: TrainProgress } | { type: "done"; result: MlWorkerResult } | { type: "error"; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error("ml-worker must run in a worker thread");

async function run(job: MlWorkerJob): Promise<MlWorkerResult> {
  if (job.kind === "train") {
    return { kind: "train", result: await runTrainJob(job.job, (progress) => port!.postMessage({ type: "progress", progress } satisfies WorkerMessage)) };
  }
  // The runtime that serves and benchmarks the model, so its accuracy here is the benchmark's.
  const model = await loadInferenceModel(job.artifact, { preference: config().ml.inference, threads: 1 });
  try {
    const probabilities = await predictAll(model, job.data);
    return { kind: "evaluate", accuracy: accuracyOf(probabilities, job.data.labels), predicted: argmaxRows(probabilities, job.data.count), probabilities };
  } finally {
    await model.dispose();
  }
}

run((workerData as { data: MlWorkerJob }).data)
  .then((result) => port.postMessage({ type: "done", result } satisfies WorkerMessage))
  .catch((error: Error) => port.postMessage({ type: "error", message: error.message, stack: error.stack } satisfies WorkerMessage));
