import { createRequire } from "node:module";
import path from "node:path";
import type * as tfjs from "@tensorflow/tfjs";
import { config } from "@/lib/config";
import { registerWasmConvGradients } from "./wasm-conv-gradients";

export type Tf = typeof tfjs;
export type BackendName = "tensorflow" | "wasm";
export type BackendPreference = "auto" | "node" | "wasm";

export interface MlRuntime {
  tf: Tf;
  backend: BackendName;
  /** Why this backend: shown on the status page and stored with runs. */
  detail: string;
}

const nodeRequire = createRequire(import.meta.url);
/**
 * Loads a package when a model is first needed. The names are built at run time so that Next's
 * bundler, which reaches this module through area indexes, neither bundles tfjs and its wasm
 * files nor fails on the optional tfjs-node: they load from node_modules in whichever process
 * or worker thread runs a model.
 */
const load = <T>(...name: string[]) => nodeRequire(name.join("/")) as T;
const resolve = (...name: string[]) => nodeRequire.resolve(name.join("/"));
let runtime: Promise<MlRuntime> | undefined;

async function loadNative(): Promise<MlRuntime> {
  // Optional dependency: present in the Docker image, absent where libtensorflow can't be fetched.
  const tf = load<Tf>("@tensorflow", "tfjs-node");
  await tf.ready();
  return { tf, backend: "tensorflow", detail: `@tensorflow/tfjs-node ${tf.version.tfjs} (native TensorFlow)` };
}

async function loadWasm(reason: string): Promise<MlRuntime> {
  const tf = load<Tf>("@tensorflow", "tfjs");
  const wasm = load<typeof import("@tensorflow/tfjs-backend-wasm")>("@tensorflow", "tfjs-backend-wasm");
  const wasmDir = path.dirname(resolve("@tensorflow", "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"));
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  registerWasmConvGradients(tf);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to initialise");
  await tf.ready();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return { tf, backend: "wasm", detail: `@tensorflow/tfjs-backend-wasm ${tf.version.tfjs}, SIMD ${simd ? "on" : "off"}, 1 thread (${reason})` };
}

async function choose(preference: BackendPreference): Promise<MlRuntime> {
  if (preference === "wasm") return loadWasm("ML_BACKEND=wasm");
  try {
    return await loadNative();
  } catch (error) {
    if (preference === "node") throw new Error(`ML_BACKEND=node but @tensorflow/tfjs-node does not load: ${(error as Error).message}`);
    return loadWasm("tfjs-node not installed");
  }
}

/** The process's (or worker's) tfjs runtime; chosen once. */
export function mlRuntime(preference: BackendPreference = config().ml.backend): Promise<MlRuntime> {
  runtime ??= choose(preference).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}
