import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { computeMetrics, evaluationIntervals, METRICS, type EvaluationIntervals } from "@/lib/metrics";
import { bytesToUnitFloats, loadInferenceModel, predictAll, type InferencePreference, type LabelledImages, type ModelArtifact } from "@/lib/ml";
import { encodeTopPredictions, type TopPredictions } from "./predictions";

/** Computed for every model, so all benchmarks can be sorted and compared on them. */
export const CORE_METRICS = [
  "accuracy",
  "balanced_accuracy",
  "top_3_accuracy",
  "log_loss",
  "per_class",
  "confusion_matrix",
  "roc_auc",
  "precision_recall",
  "calibration",
  "confidence",
];

export interface Headline {
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  logLoss: number;
  macroAuc: number | null;
  ece: number;
}

export interface Evaluation {
  metrics: Record<string, unknown>;
  headline: Headline;
  /** n and 95 % intervals, computed here in the worker (the bootstrap is the costly part). */
  intervals: EvaluationIntervals;
  /** The top classes per image, for paired tests and the images of a confusion cell. */
  predictions: TopPredictions;
  /** Metric ids the manifest asked for that no registered metric provides. */
  unknownMetrics: string[];
  loadModelMs: number;
  inferMs: number;
  latencyMs: { p50: number; p95: number; samples: number };
  metricsMs: number;
  /** Load model + infer + latency sample + metrics, measured around all of them. */
  totalMs: number;
  peakMemoryMb: number;
  backend: string;
  backendDetail: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Memory of this thread's isolate: JS heap plus external buffers (the wasm heap among them). */
function isolateMemoryMb(): number {
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 2 ** 20;
}

/**
 * Evaluates one artifact on a labelled dataset: load, batched inference over every sample,
 * single-image latency on a sample of them, then the metrics (core ones plus those the
 * manifest declares). Each phase is timed separately.
 */
export async function evaluateArtifact(
  artifact: ModelArtifact,
  data: LabelledImages,
  runtime: { preference: InferencePreference; threads: number },
  latencySamples = 32,
): Promise<Evaluation> {
  let peak = isolateMemoryMb();
  const t0 = performance.now();
  const classifier = await loadInferenceModel(artifact, runtime);
  const loadModelMs = performance.now() - t0;
  try {
    const t1 = performance.now();
    const probabilities = await predictAll(classifier, data);
    const inferMs = performance.now() - t1;
    peak = Math.max(peak, isolateMemoryMb());

    const latencies: number[] = [];
    const n = Math.min(latencySamples, data.count);
    for (let k = 0; k < n; k++) {
      // Spread over the dataset, converted beforehand: only the model call is timed.
      const index = Math.floor((k * data.count) / n);
      const pixels = bytesToUnitFloats(data.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS));
      const start = performance.now();
      await classifier.predictProba(pixels, 1);
      latencies.push(performance.now() - start);
    }
    latencies.sort((a, b) => a - b);

    const t2 = performance.now();
    const declared = artifact.manifest.metrics;
    const known = new Set(METRICS.map((m) => m.id));
    const ids = [...new Set([...CORE_METRICS, ...declared.filter((id) => known.has(id))])];
    const scored = { probabilities, labels: data.labels, classes: NUM_CLASSES };
    const metrics = computeMetrics(scored, ids);
    const intervals = evaluationIntervals(scored, { accuracy: metrics.accuracy as number, top3Accuracy: metrics.top_3_accuracy as number });
    const predictions = encodeTopPredictions(probabilities, data.labels, NUM_CLASSES);
    const metricsMs = performance.now() - t2;
    peak = Math.max(peak, isolateMemoryMb());

    const perClass = metrics.per_class as { macro: { f1: number } };
    return {
      metrics,
      headline: {
        accuracy: metrics.accuracy as number,
        balancedAccuracy: metrics.balanced_accuracy as number,
        macroF1: perClass.macro.f1,
        logLoss: metrics.log_loss as number,
        macroAuc: (metrics.roc_auc as { macroAuc: number | null }).macroAuc,
        ece: (metrics.calibration as { ece: number }).ece,
      },
      intervals,
      predictions,
      unknownMetrics: declared.filter((id) => !known.has(id)),
      loadModelMs,
      inferMs,
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), samples: latencies.length },
      metricsMs,
      totalMs: performance.now() - t0,
      peakMemoryMb: peak,
      backend: classifier.runtime,
      backendDetail: classifier.detail,
    };
  } finally {
    await classifier.dispose();
  }
}
