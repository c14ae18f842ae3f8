import { checkScored, predictedClass, type Scored } from "./types";

/** counts[t][p]: samples of true class t predicted as p. */
export function confusionMatrix(s: Scored): number[][] {
  checkScored(s);
  const m = Array.from({ length: s.classes }, () => new Array<number>(s.classes).fill(0));
  for (let i = 0; i < s.labels.length; i++) m[s.labels[i]][predictedClass(s, i)]++;
  return m;
}

export function accuracy(s: Scored): number {
  const m = confusionMatrix(s);
  const total = s.labels.length;
  return total === 0 ? 0 : m.reduce((sum, row, c) => sum + row[c], 0) / total;
}

/** Fraction of samples whose true class is among the k most probable. Ties count against. */
export function topKAccuracy(s: Scored, k: number): number {
  checkScored(s);
  let hits = 0;
  for (let i = 0; i < s.labels.length; i++) {
    const truth = s.probabilities[i * s.classes + s.labels[i]];
    let higher = 0;
    for (let c = 0; c < s.classes; c++) if (c !== s.labels[i] && s.probabilities[i * s.classes + c] >= truth) higher++;
    if (higher < k) hits++;
  }
  return s.labels.length === 0 ? 0 : hits / s.labels.length;
}

export interface ClassReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class precision, recall and F1 (0 where undefined, like scikit-learn's zero_division=0). */
export function perClassReport(s: Scored): ClassReport[] {
  const m = confusionMatrix(s);
  return m.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = m.reduce((sum, r) => sum + r[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

export interface AveragedReport {
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
}

export function averagedReport(report: ClassReport[]): AveragedReport {
  const total = report.reduce((a, r) => a + r.support, 0);
  const avg = (key: "precision" | "recall" | "f1", weighted: boolean) =>
    weighted ? (total === 0 ? 0 : report.reduce((a, r) => a + r[key] * r.support, 0) / total) : report.reduce((a, r) => a + r[key], 0) / report.length;
  return {
    macro: { precision: avg("precision", false), recall: avg("recall", false), f1: avg("f1", false) },
    weighted: { precision: avg("precision", true), recall: avg("recall", true), f1: avg("f1", true) },
  };
}

/** Mean recall over the classes present in the labels. */
export function balancedAccuracy(s: Scored): number {
  const present = perClassReport(s).filter((r) => r.support > 0);
  return present.length === 0 ? 0 : present.reduce((a, r) => a + r.recall, 0) / present.length;
}

/** Mean negative log-likelihood of the true class; probabilities are clipped to [eps, 1]. */
export function logLoss(s: Scored, eps = 1e-15): number {
  checkScored(s);
  let sum = 0;
  for (let i = 0; i < s.labels.length; i++) sum -= Math.log(Math.min(1, Math.max(eps, s.probabilities[i * s.classes + s.labels[i]])));
  return s.labels.length === 0 ? 0 : sum / s.labels.length;
}
