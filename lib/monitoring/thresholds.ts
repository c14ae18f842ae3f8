import type { DriftReport } from "./features";

export interface DriftThresholds {
  /** PSI of any one feature at or above which inputs have drifted (0.25: "significant" by the usual rule). */
  psi: number;
  /** Excess average pairwise distance, in reference standard deviations, at or above which inputs have drifted. */
  averagePairwiseDistance: number;
}

// Calibrated on KMNIST test images against the first 5,000: the other 5,000 score max PSI
// 0.005 and pairwise 0.008; a window of 200 scores PSI 0.07, but one of 50 already 0.31 from
// sampling noise alone, so windows need a few hundred inputs. Strokes thickened by one pixel
// or characters moved 4 px score far above 0.25 (monitoring.test.ts).
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.25, averagePairwiseDistance: 0.1 };

export type DriftLevel = "stable" | "moderate" | "drift";

/** "drift" when a threshold is reached, "moderate" from half of one, else "stable". */
export function driftLevel(
  report: Pick<DriftReport, "maxPsi" | "averagePairwiseDistance">,
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DriftLevel {
  const ratio = Math.max(report.maxPsi / thresholds.psi, report.averagePairwiseDistance / thresholds.averagePairwiseDistance);
  return ratio >= 1 ? "drift" : ratio >= 0.5 ? "moderate" : "stable";
}
