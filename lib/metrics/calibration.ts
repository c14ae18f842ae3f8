import { checkScored, predictedClass, type Scored } from "./types";

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-class probability in the bin. */
  confidence: number;
  /** Fraction of the bin's predictions that were right. */
  accuracy: number;
}

/**
 * Expected calibration error over equal-width confidence bins of the top-class probability:
 * Σ (n_b / n) · |accuracy_b − confidence_b|, with the bins for a reliability diagram.
 */
export function calibration(s: Scored, bins = 15): { ece: number; bins: ReliabilityBin[] } {
  checkScored(s);
  const acc = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  for (let i = 0; i < s.labels.length; i++) {
    const predicted = predictedClass(s, i);
    const confidence = s.probabilities[i * s.classes + predicted];
    // Bins are (lower, upper]; confidence 0 goes to the first.
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
    count[b]++;
    conf[b] += confidence;
    if (predicted === s.labels[i]) acc[b]++;
  }
  const n = s.labels.length;
  let ece = 0;
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const bin = {
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      confidence: count[b] ? conf[b] / count[b] : 0,
      accuracy: count[b] ? acc[b] / count[b] : 0,
    };
    if (count[b]) ece += (count[b] / n) * Math.abs(bin.accuracy - bin.confidence);
    out.push(bin);
  }
  return { ece, bins: out };
}
