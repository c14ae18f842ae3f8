import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { newWorkerControl, registerWorkerControl } from "./native-gate";

// Resolved from the project root rather than import.meta.url: the same paths then work from
// the CLI (tsx) and from the Next server, whose bundles live elsewhere.
// turbopackIgnore: the bundler must not follow these into tsx/esbuild; Node loads them at run time.
const ENTRY = path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "workers", "entry.mjs");

/**
 * Starts a worker thread running a TypeScript module of this project (path relative to the
 * project root). `data` arrives in the worker as `workerData.data`. Stop it with `stopWorker`
 * (native-gate.ts), not `worker.terminate()`.
 */
export function startTsWorker(modulePath: string, data: unknown): Worker {
  const moduleUrl = pathToFileURL(path.join(/* turbopackIgnore: true */ process.cwd(), modulePath)).href;
  const control = newWorkerControl();
  const worker = new Worker(ENTRY, { workerData: { module: moduleUrl, data, ...control.data }, transferList: [control.data.stopPort] });
  registerWorkerControl(worker, control.keep);
  return worker;
}
