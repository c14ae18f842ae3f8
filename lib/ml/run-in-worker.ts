import path from "node:path";
import { Worker } from "node:worker_threads";
import type { TrainProgress } from "./families/types";
import type { TrainJob, TrainJobResult } from "./train-job";
import type { WorkerMessage } from "./train-worker";

// Resolved from the project root rather than import.meta.url so the same path works from
// the CLI (tsx) and from the Next server, whose bundles live elsewhere.
const WORKER_ENTRY = path.join(process.cwd(), "lib", "ml", "train-worker-entry.mjs");

/** Runs a training job in a worker thread (TypeScript loaded by tsx, see train-worker-entry.mjs) and resolves with its result. */
export function runTrainJobInWorker(job: TrainJob, onProgress: (p: TrainProgress) => void): Promise<TrainJobResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: job });
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
