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

const require = createRequire(import.meta.url);
let runtime: Promise<MlRuntime> | undefined;

async function loadNative(): Promise<MlRuntime> {
  // Optional dependency: present in the Docker image, absent where libtensorflow can't be fetched.
  const tf = require("@tensorflow/tfjs-node") as Tf;
  await tf.ready();
  return { tf, backend: "tensorflow", detail: `@tensorflow/tfjs-node ${tf.version.tfjs} (native TensorFlow)` };
}

async function loadWasm(reason: string): Promise<MlRuntime> {
  const tf = require("@tensorflow/tfjs") as Tf;
  const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm"));
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  registerWasmConvGradients(tf);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to initialise");
  await tf.ready();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return { tf, backend: "wasm", detail: `@tensorflow/tfjs-backend-wasm ${tf.version.tfjs}, SIMD ${simd ? "on" : "off"}, 1 thread (${reason})` };
}

async function load(preference: BackendPreference): Promise<MlRuntime> {
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
  runtime ??= load(preference).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}
