// Worker threads do not inherit tsx's loader from the parent (Node 20), so this plain-JS
// entry registers it in the worker before importing the TypeScript worker module.
import { register } from "tsx/esm/api";

register();
await import("./train-worker.ts");
