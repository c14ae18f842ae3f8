import { parentPort, workerData } from "node:worker_threads";
import { runTrainJob, type TrainJob } from "./train-job";

/** Worker-thread entry: trains off the caller's thread and reports progress as messages. */
export type WorkerMessage =
  | { type: "progress"; progress: import("./families/types").TrainProgress }
  | { type: "done"; result: import("./train-job").TrainJobResult }
  | { type: "error"; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error("train-worker must run in a worker thread");

runTrainJob((workerData as { data: TrainJob }).data, (progress) => port.postMessage({ type: "progress", progress } satisfies WorkerMessage))
  .then((result) => port.postMessage({ type: "done", result } satisfies WorkerMessage))
  .catch((error: Error) => port.postMessage({ type: "error", message: error.message, stack: error.stack } satisfies WorkerMessage));
