import { calibration } from "./calibration";
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
 * is one entry here over a pure function.
 */
export const METRICS: MetricDefinition[] = [
  { id: "accuracy", title: "Accuracy", higherIsBetter: true, compute: accuracy },
  { id: "balanced_accuracy", title: "Balanced accuracy", higherIsBetter: true, compute: balancedAccuracy },
  { id: "top_3_accuracy", title: "Top-3 accuracy", higherIsBetter: true, compute: (s) => topKAccuracy(s, 3) },
  { id: "log_loss", title: "Log loss", higherIsBetter: false, compute: logLoss },
  {
    id: "per_class",
    title: "Per-class precision, recall and F1",
    higherIsBetter: null,
    compute: (s) => {
      const perClass = perClassReport(s);
      return { perClass, ...averagedReport(perClass) };
    },
  },
  { id: "confusion_matrix", title: "Confusion matrix", higherIsBetter: null, compute: confusionMatrix },
  {
    id: "roc_auc",
    title: "One-vs-rest ROC and AUC",
    higherIsBetter: null,
    compute: (s) => {
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
  {
    id: "precision_recall",
    title: "One-vs-rest precision-recall",
    higherIsBetter: null,
    compute: (s) => oneVsRestPrecisionRecall(s).map((c) => ({ averagePrecision: c.averagePrecision, curve: thinCurve(c.curve) })),
  },
  { id: "calibration", title: "Expected calibration error and reliability bins", higherIsBetter: null, compute: (s) => calibration(s) },
];

export const DEFAULT_METRICS = METRICS.map((m) => m.id);

/** Computes the named metrics (all by default); unknown names are an error, not a silent skip. */
export function computeMetrics(s: Scored, ids: readonly string[] = DEFAULT_METRICS): Record<string, unknown> {
  const unknown = ids.filter((id) => !METRICS.some((m) => m.id === id));
  if (unknown.length) throw new Error(`Unknown metric(s): ${unknown.join(", ")}; known: ${DEFAULT_METRICS.join(", ")}`);
  return Object.fromEntries(METRICS.filter((m) => ids.includes(m.id)).map((m) => [m.id, m.compute(s)]));
}
