import { parentPort } from "node:worker_threads";
import { config } from "@/lib/config";
import { explainModel, type ExplanationMethodResult } from "@/lib/explain";
import { loadClassifier, loadInferenceModel, mlRuntime, type LabelledImages, type ModelArtifact } from "@/lib/ml";
import { servePoolTasks } from "@/lib/workers";
import { evaluateArtifact, type Evaluation } from "./evaluate";

/**
 * Benchmark worker thread: evaluates or explains one model per task. The dataset arrives
 * in shared memory, so every worker reads the one copy the engine loaded.
 */
export type BenchmarkTask =
  | { kind: "evaluate"; key: string; artifact: ModelArtifact; data: LabelledImages; threads: number }
  | { kind: "explain"; key: string; artifact: ModelArtifact; data: LabelledImages; threads: number };

export type BenchmarkTaskResult = { kind: "evaluate"; evaluation: Evaluation } | { kind: "explain"; methods: ExplanationMethodResult[] };

const port = parentPort;
if (!port) throw new Error("the benchmark worker must run in a worker thread");

servePoolTasks<BenchmarkTask, BenchmarkTaskResult>(port, async (task) => {
  // The pool's workers share the cores: each ONNX Runtime session gets the engine's share of them.
  const inference = { preference: config().ml.inference, threads: task.threads };
  if (task.kind === "evaluate") return { kind: "evaluate", evaluation: await evaluateArtifact(task.artifact, task.data, inference) };
  if (task.artifact.manifest.runtime === "onnx") {
    // A model from elsewhere has no gradients we can take: the model-agnostic method (KernelSHAP) on ONNX Runtime.
    const model = await loadInferenceModel(task.artifact, inference);
    try {
      return { kind: "explain", methods: await explainModel({ predictProba: model.predictProba }, task.data) };
    } finally {
      await model.dispose();
    }
  }
  // Gradient methods need the model on tfjs.
  const classifier = await loadClassifier(await mlRuntime(), task.artifact);
  try {
    return { kind: "explain", methods: await explainModel(classifier, task.data) };
  } finally {
    classifier.dispose();
  }
});
