import { parentPort } from "node:worker_threads";
import { config } from "@/lib/config";
import { getArtifact, loadInferenceModel, type InferenceModel } from "@/lib/ml";
import { objectStore } from "@/lib/storage";
import type { InferenceReply, InferenceRequest } from "./inference-protocol";

/**
 * Inference worker: keeps recently used models loaded (verified from the object store) and
 * answers one batch per message, so model work never blocks the HTTP thread.
 */
const port = parentPort;
if (!port) throw new Error("inference-worker must run in a worker thread");

const MAX_LOADED = 4;
const loaded = new Map<string, Promise<InferenceModel>>();
// One thread per inference by default: the HTTP thread needs the rest of the machine
// (PREDICT_INFERENCE_THREADS; `npm run bench -- predict` measures 1 against 2).
const INFERENCE = { preference: config().ml.inference, threads: config().predict.inferenceThreads };

function classifierFor(artifactKey: string): Promise<InferenceModel> {
  let entry = loaded.get(artifactKey);
  if (entry) {
    // Map order doubles as recency: move to the end.
    loaded.delete(artifactKey);
    loaded.set(artifactKey, entry);
    return entry;
  }
  entry = (async () => loadInferenceModel(await getArtifact(objectStore(), artifactKey), INFERENCE))();
  entry.catch(() => loaded.delete(artifactKey));
  loaded.set(artifactKey, entry);
  while (loaded.size > MAX_LOADED) {
    const [oldestKey, oldest] = loaded.entries().next().value as [string, Promise<InferenceModel>];
    loaded.delete(oldestKey);
    void oldest.then((c) => c.dispose()).catch(() => undefined);
  }
  return entry;
}

port.on("message", async (request: InferenceRequest) => {
  if (request.type === "release") {
    const models = [...loaded.values()];
    loaded.clear();
    await Promise.allSettled(models.map(async (m) => (await m).dispose()));
    return port.postMessage({ type: "result", id: request.id, probabilities: new Float32Array(0) } satisfies InferenceReply);
  }
  try {
    const classifier = await classifierFor(request.artifactKey);
    if (request.type === "load") return port.postMessage({ type: "result", id: request.id, probabilities: new Float32Array(0) } satisfies InferenceReply);
    // A fresh copy: the backend's array may be a view it still owns; ours can be transferred.
    const probabilities = new Float32Array(await classifier.predictProba(request.pixels, request.count));
    port.postMessage({ type: "result", id: request.id, probabilities } satisfies InferenceReply, [probabilities.buffer]);
  } catch (error) {
    port.postMessage({ type: "error", id: request.id, message: (error as Error).message } satisfies InferenceReply);
  }
});
