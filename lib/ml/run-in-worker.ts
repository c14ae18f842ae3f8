import { startTsWorker } from "@/lib/workers";
import type { TrainProgress } from "./families/types";
import type { TrainJob, TrainJobResult } from "./train-job";
import type { WorkerMessage } from "./train-worker";

/** Runs a training job in a worker thread and resolves with its result. */
export function runTrainJobInWorker(job: TrainJob, onProgress: (p: TrainProgress) => void): Promise<TrainJobResult> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker("lib/ml/train-worker.ts", job);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "progress") onProgress(message.progress);
      else if (message.type === "done") settle(() => resolve(message.result));
      else settle(() => reject(Object.assign(new Error(message.message), { stack: message.stack })));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => reject(new Error(`training worker exited with code ${code} before finishing`))));
  });
}
