import { calibration, confidenceQuantiles } from "./calibration";
import { accuracy, averagedReport, balancedAccuracy, confusionMatrix, logLoss, perClassReport, topKAccuracy } from "./classification";
import { oneVsRestPrecisionRecall, oneVsRestRoc, thinCurve } from "./curves";
import type { Scored } from "./types";

export interface MetricDefinition {
  id: string;
  title: string;
  /** Whether higher values are better (for "best" highlighting); null for structured results. */
  higherIsBetter: boolean | null;
  compute(s: Scored): unknown;
}

/**
 * Every metric the benchmark engine knows, by the id a model manifest lists. Adding a metric
 * is one entry here over a pure function; what it computes types `benchmarks.metrics`.
 */
const DEFINITIONS = {
  accuracy: { title: "Accuracy", higherIsBetter: true, compute: accuracy },
  balanced_accuracy: { title: "Balanced accuracy", higherIsBetter: true, compute: balancedAccuracy },
  top_3_accuracy: { title: "Top-3 accuracy", higherIsBetter: true, compute: (s: Scored) => topKAccuracy(s, 3) },
  log_loss: { title: "Log loss", higherIsBetter: false, compute: logLoss },
  per_class: {
    title: "Per-class precision, recall and F1",
    higherIsBetter: null,
    compute: (s: Scored) => {
      const perClass = perClassReport(s);
      return { perClass, ...averagedReport(perClass) };
    },
  },
  confusion_matrix: { title: "Confusion matrix", higherIsBetter: null, compute: confusionMatrix },
  roc_auc: {
    title: "One-vs-rest ROC and AUC",
    higherIsBetter: null,
    compute: (s: Scored) => {
      const roc = oneVsRestRoc(s);
      // Curves are stored thinned (AUCs come from the full curves): a benchmark row stays small.
      return {
        perClass: roc.perClass.map((c) => ({ auc: c.auc, curve: thinCurve(c.curve) })),
        macroAuc: roc.macroAuc,
        microAuc: roc.microAuc,
        micro: thinCurve(roc.micro),
      };
    },
  },
  precision_recall: {
    title: "One-vs-rest precision-recall",
    higherIsBetter: null,
    compute: (s: Scored) => oneVsRestPrecisionRecall(s).map((c) => ({ averagePrecision: c.averagePrecision, curve: thinCurve(c.curve) })),
  },
  calibration: { title: "Expected calibration error and reliability bins", higherIsBetter: null, compute: (s: Scored) => calibration(s) },
  confidence: { title: "Quantiles of the top probability (the floor for unsure answers)", higherIsBetter: null, compute: confidenceQuantiles },
} as const satisfies Record<string, Omit<MetricDefinition, "id">>;

export type MetricId = keyof typeof DEFINITIONS;

/** `benchmarks.metrics`: each computed metric under its id, and the ids a manifest asked for that no metric has. */
export type StoredMetrics = { [K in MetricId]?: ReturnType<(typeof DEFINITIONS)[K]["compute"]> } & { unknown_metrics?: string[] };

export const METRICS: MetricDefinition[] = Object.entries(DEFINITIONS).map(([id, definition]) => ({ id, ...definition }));

/** A single number read from stored metrics: what tables and comparisons show side by side. */
export interface MetricFigure {
  id: string;
  title: string;
  higherIsBetter: boolean;
  kind: "proportion" | "score";
  of(metrics: StoredMetrics): number | null | undefined;
}

export const METRIC_FIGURES: MetricFigure[] = [
  { id: "accuracy", title: "Accuracy", higherIsBetter: true, kind: "proportion", of: (m) => m.accuracy },
  { id: "balanced_accuracy", title: "Balanced accuracy", higherIsBetter: true, kind: "proportion", of: (m) => m.balanced_accuracy },
  { id: "top_3_accuracy", title: "Top-3 accuracy", higherIsBetter: true, kind: "proportion", of: (m) => m.top_3_accuracy },
  { id: "macro_f1", title: "Macro F1", higherIsBetter: true, kind: "score", of: (m) => m.per_class?.macro.f1 },
  { id: "macro_auc", title: "Macro AUC", higherIsBetter: true, kind: "score", of: (m) => m.roc_auc?.macroAuc },
  { id: "micro_auc", title: "Micro AUC", higherIsBetter: true, kind: "score", of: (m) => m.roc_auc?.microAuc },
  { id: "log_loss", title: "Log loss", higherIsBetter: false, kind: "score", of: (m) => m.log_loss },
  { id: "ece", title: "ECE", higherIsBetter: false, kind: "score", of: (m) => m.calibration?.ece },
];

export const DEFAULT_METRICS = METRICS.map((m) => m.id);

/** Computes the named metrics (all by default); unknown names are an error, not a silent skip. */
export function computeMetrics(s: Scored, ids: readonly string[] = DEFAULT_METRICS): StoredMetrics {
  const unknown = ids.filter((id) => !METRICS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`Unknown metric(s): ${unknown.join(", ")}; known: ${DEFAULT_METRICS.join(", ")}`);
  return Object.fromEntries(METRICS.filter((m) => ids.includes(m.id)).map((m) => [m.id, m.compute(s)]));
}
