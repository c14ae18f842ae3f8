import { InterruptedError } from "@/lib/leases";
import { startTsWorker, stopWorker } from "@/lib/workers";
import type { ModelArtifact } from "./artifact";
import type { LabelledImages, TrainProgress } from "./families/types";
import type { MlWorkerJob, MlWorkerResult, WorkerMessage } from "./ml-worker";
import type { TrainJob, TrainJobResult } from "./train-job";

/**
 * Runs one job in a fresh worker thread; the worker ends with the job. An aborted `signal`
 * terminates the worker at once and rejects with InterruptedError.
 */
function runInWorker(job: MlWorkerJob, onProgress: (p: TrainProgress) => void = () => {}, signal?: AbortSignal): Promise<MlWorkerResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const worker = startTsWorker("lib/ml/ml-worker.ts", job);
    let settled = false;
    const onAbort = () => settle(() => reject(new InterruptedError()));
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
      void stopWorker(worker);
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") onProgress(message.progress);
      else if (message.type === "done") settle(() => resolve(message.result));
      else settle(() => reject(Object.assign(new Error(message.message), { stack: message.stack })));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`ML worker exited with code ${code} before finishing`))));
  });
}

export async function runTrainJobInWorker(job: TrainJob, onProgress: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainJobResult> {
  const result = await runInWorker({ kind: "train", job }, onProgress, signal);
  if (result.kind !== "train") throw new Error("ML worker answered a training job with another result");
  return result.result;
}

/** Accuracy of a model artifact on a labelled dataset, its predicted class and probabilities per image, computed in a worker thread. */
export async function evaluateInWorker(
  artifact: ModelArtifact,
  data: LabelledImages,
): Promise<{ accuracy: number; predicted: Uint8Array; probabilities: Float32Array }> {
  const result = await runInWorker({ kind: "evaluate", artifact, data });
  if (result.kind !== "evaluate") throw new Error("ML worker answered an evaluation with another result");
  return { accuracy: result.accuracy, predicted: result.predicted, probabilities: result.probabilities };
}
