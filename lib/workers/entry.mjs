// Worker threads do not inherit tsx's loader from the parent (Node 20), so every worker
// starts here: register tsx in this thread, then import the TypeScript module it names.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
