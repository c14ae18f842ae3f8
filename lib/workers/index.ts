/** Worker threads running this project's TypeScript modules, and the pool the benchmark engine uses. */
export { servePoolTasks, WorkerCrashedError, WorkerPool } from "./pool";
export { startTsWorker } from "./ts-worker";
export { beforeThreadStops, guardNativeCall, stopWorker } from "./native-gate";
