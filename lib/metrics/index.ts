export { accuracy, averagedReport, balancedAccuracy, confusionMatrix, logLoss, perClassReport, topKAccuracy, type ClassReport } from "./classification";
export { averagePrecision, oneVsRestPrecisionRecall, oneVsRestRoc, precisionRecallCurve, rocCurve, thinCurve, trapezoid, type CurvePoint } from "./curves";
export { calibration, type ReliabilityBin } from "./calibration";
export {
  computeMetrics,
  DEFAULT_METRICS,
  METRIC_FIGURES,
  METRICS,
  type MetricDefinition,
  type MetricFigure,
  type MetricId,
  type StoredMetrics,
} from "./registry";
export type { Scored } from "./types";
export {
  accuracyEstimate,
  mcnemarExact,
  pairedContingency,
  stratifiedBootstrap,
  type BlockStatistics,
  wilsonInterval,
  type Estimate,
  type Interval,
  type PairedContingency,
} from "./intervals";
export { DEFAULT_BOOTSTRAP, evaluationIntervals, weightedStatistics, type BootstrapSettings, type EvaluationIntervals } from "./uncertainty";
