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

/**
 * Quantiles of each sample's top probability. Serving calls an answer unsure below `p01`:
 * then at most 1 % of these samples (the model's holdout) would have been flagged.
 */
export function confidenceQuantiles(s: Scored): { p01: number; p05: number; p50: number; n: number } {
  checkScored(s);
  const n = s.labels.length;
  const top = new Float64Array(n);
  for (let i = 0; i < n; i++) top[i] = s.probabilities[i * s.classes + predictedClass(s, i)];
  top.sort();
  // The largest value with at most q of the samples strictly below it.
  const at = (q: number) => (n === 0 ? 0 : top[Math.min(n - 1, Math.floor(q * n))]);
  return { p01: at(0.01), p05: at(0.05), p50: at(0.5), n };
}
