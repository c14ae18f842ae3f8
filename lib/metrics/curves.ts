import { ascendingOrder } from "./order";
import { checkScored, type Scored } from "./types";

export interface CurvePoint {
  x: number;
  y: number;
  threshold: number;
}

/**
 * Points of a threshold sweep over (score, positive) pairs, highest score first: `point`
 * turns the running true/false-positive counts at each distinct score into a curve point.
 * Tied scores move together (one point per distinct score), so ties give a diagonal segment.
 */
function sweep(scores: number[], positives: boolean[], point: (tp: number, fp: number, threshold: number) => CurvePoint, first?: CurvePoint): CurvePoint[] {
  const ascending = ascendingOrder(scores.length, (i) => scores[i]);
  const points: CurvePoint[] = first ? [first] : [];
  let tp = 0;
  let fp = 0;
  for (let k = ascending.length - 1; k >= 0; k--) {
    if (positives[ascending[k]]) tp++;
    else fp++;
    const score = scores[ascending[k]];
    if (k === 0 || scores[ascending[k - 1]] !== score) points.push(point(tp, fp, score));
  }
  return points;
}

/** ROC curve (x = false-positive rate, y = true-positive rate), starting at (0, 0). */
export function rocCurve(scores: number[], positives: boolean[]): CurvePoint[] {
  const p = positives.filter(Boolean).length;
  const n = positives.length - p;
  if (p === 0 || n === 0) return [];
  return sweep(scores, positives, (tp, fp, threshold) => ({ x: fp / n, y: tp / p, threshold }), { x: 0, y: 0, threshold: Infinity });
}

/** Area under a curve by the trapezoidal rule (x must be non-decreasing). */
export function trapezoid(points: CurvePoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i].x - points[i - 1].x) * (points[i].y + points[i - 1].y)) / 2;
  return area;
}

/** Precision-recall curve (x = recall, y = precision), one point per distinct threshold. */
export function precisionRecallCurve(scores: number[], positives: boolean[]): CurvePoint[] {
  const p = positives.filter(Boolean).length;
  if (p === 0) return [];
  return sweep(scores, positives, (tp, fp, threshold) => ({ x: tp / p, y: tp / (tp + fp), threshold }));
}

/** Average precision: Σ (R_k − R_{k−1}) · P_k, as scikit-learn computes it. */
export function averagePrecision(curve: CurvePoint[]): number {
  let previousRecall = 0;
  let ap = 0;
  for (const point of curve) {
    ap += (point.x - previousRecall) * point.y;
    previousRecall = point.x;
  }
  return ap;
}

export interface OneVsRest {
  perClass: Array<{ curve: CurvePoint[]; auc: number | null }>;
  /** Mean of the per-class AUCs that exist (classes with both positives and negatives). */
  macroAuc: number | null;
  /** AUC of all (sample, class) pairs pooled. */
  microAuc: number | null;
  micro: CurvePoint[];
}

const column = (s: Scored, c: number) => Array.from({ length: s.labels.length }, (_, i) => s.probabilities[i * s.classes + c]);

/** One-vs-rest ROC curves and AUCs for every class, with macro and micro averages. */
export function oneVsRestRoc(s: Scored): OneVsRest {
  checkScored(s);
  const perClass = Array.from({ length: s.classes }, (_, c) => {
    const curve = rocCurve(
      column(s, c),
      Array.from(s.labels, (l) => l === c),
    );
    return { curve, auc: curve.length ? trapezoid(curve) : null };
  });
  const aucs = perClass.map((p) => p.auc).filter((a): a is number => a !== null);
  const micro = rocCurve(
    Array.from(s.probabilities),
    Array.from({ length: s.probabilities.length }, (_, j) => s.labels[Math.floor(j / s.classes)] === j % s.classes),
  );
  return {
    perClass,
    macroAuc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null,
    microAuc: micro.length ? trapezoid(micro) : null,
    micro,
  };
}

/** One-vs-rest precision-recall curves with their average precision. */
export function oneVsRestPrecisionRecall(s: Scored) {
  checkScored(s);
  return Array.from({ length: s.classes }, (_, c) => {
    const curve = precisionRecallCurve(
      column(s, c),
      Array.from(s.labels, (l) => l === c),
    );
    return { curve, averagePrecision: curve.length ? averagePrecision(curve) : null };
  });
}

/**
 * At most `max` points of a curve, evenly spaced along it, first and last kept: enough to
 * draw it. Areas are computed on the full curve before thinning.
 */
export function thinCurve(points: CurvePoint[], max = 201): CurvePoint[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}
