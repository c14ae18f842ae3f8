import { parentPort } from "node:worker_threads";
import type { ExplanationMethodResult } from "@/db/schema";
import { explainModel } from "@/lib/explain";
import type { ModelArtifact } from "@/lib/ml/artifact";
import { mlRuntime } from "@/lib/ml/backend";
import { loadClassifier } from "@/lib/ml/classifier";
import type { LabelledImages } from "@/lib/ml/families/types";
import { servePoolTasks } from "@/lib/workers/pool";
import { evaluateArtifact, type Evaluation } from "./evaluate";

/**
 * Benchmark worker thread: evaluates or explains one model per task. The dataset arrives
 * in shared memory, so every worker reads the one copy the engine loaded.
 */
export type BenchmarkTask =
  | { kind: "evaluate"; key: string; artifact: ModelArtifact; data: LabelledImages }
  | { kind: "explain"; key: string; artifact: ModelArtifact; data: LabelledImages };

export type BenchmarkTaskResult = { kind: "evaluate"; evaluation: Evaluation } | { kind: "explain"; methods: ExplanationMethodResult[] };

const port = parentPort;
if (!port) throw new Error("the benchmark worker must run in a worker thread");

servePoolTasks<BenchmarkTask, BenchmarkTaskResult>(port, async (task) => {
  const rt = await mlRuntime();
  if (task.kind === "evaluate") return { kind: "evaluate", evaluation: await evaluateArtifact(rt, task.artifact, task.data) };
  const classifier = await loadClassifier(rt, task.artifact);
  try {
    return { kind: "explain", methods: explainModel(classifier, task.data) };
  } finally {
    classifier.dispose();
  }
});
