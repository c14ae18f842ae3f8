import { stratifiedBootstrap, wilsonInterval, type BlockStatistics, type Interval } from "./intervals";
import { ascendingOrder } from "./order";
import { checkScored, predictedClass, type Scored } from "./types";

/** How the bootstrap intervals of a benchmark were drawn: stored with them, so they can be redrawn. */
export interface BootstrapSettings {
  seed: number;
  resamples: number;
}

/** The 95 % intervals of a benchmark's figures, over its n images. */
export interface EvaluationIntervals {
  n: number;
  /** Wilson: accuracy-like figures are proportions of n. */
  accuracy: Interval;
  top3Accuracy: Interval;
  /** Stratified bootstrap: these are not proportions. */
  balancedAccuracy: Interval;
  macroF1: Interval;
  logLoss: Interval;
  /** Null when no class has both positives and negatives. */
  macroAuc: Interval | null;
  bootstrap: BootstrapSettings;
}

export const DEFAULT_BOOTSTRAP: BootstrapSettings = { seed: 20_261_203, resamples: 1000 };

const FIGURES = ["balancedAccuracy", "macroF1", "logLoss", "macroAuc"] as const;
type Figure = (typeof FIGURES)[number];

/**
 * The statistics of one benchmark as functions of bootstrap weights (how often each image was
 * drawn), a block of resamples at a time (see BlockStatistics). With every weight 1 they equal
 * the plain metrics; the tests check that. Macro AUC is left out when no class has both
 * positives and negatives.
 */
export function weightedStatistics(s: Scored): BlockStatistics<Figure> & { at(weights: ArrayLike<number>): Partial<Record<Figure, number>> } {
  checkScored(s);
  const n = s.labels.length;
  const k = s.classes;
  const labels = Uint8Array.from(s.labels);
  const predicted = Uint8Array.from({ length: n }, (_, i) => predictedClass(s, i));
  const loss = Float64Array.from({ length: n }, (_, i) => -Math.log(Math.min(1, Math.max(1e-15, s.probabilities[i * k + s.labels[i]]))));
  // Each class's images sorted by that class's score, ascending, with their tie groups and
  // positive/negative marks laid out beforehand: the weighted Mann-Whitney AUC is then one
  // tight pass per class, with no sorting and no score comparisons.
  const byScore = Array.from({ length: k }, (_, c) => {
    const order = ascendingOrder(n, (i) => s.probabilities[i * k + c]);
    const positive = Uint8Array.from(order, (i) => (labels[i] === c ? 1 : 0));
    const groupEnds: number[] = [];
    for (let j = 1; j <= n; j++) if (j === n || s.probabilities[order[j] * k + c] !== s.probabilities[order[j - 1] * k + c]) groupEnds.push(j);
    // Only the span between a class's lowest and highest positive needs walking: the negatives
    // below it lose to every positive (counted at once from the totals), those above it beat
    // every positive. Walk from the longer tail's side; weights are counts, so the sums are
    // exact integers in any order and the figures equal a full pass bit for bit.
    const firstPositive = positive.indexOf(1);
    const lastPositive = positive.lastIndexOf(1);
    const groupOf = (j: number) => groupEnds.findIndex((end) => end > j);
    const skipBelow = firstPositive >= n - 1 - lastPositive;
    return {
      order,
      positive,
      groupEnds: Uint32Array.from(groupEnds),
      firstGroup: firstPositive < 0 || !skipBelow ? 0 : groupOf(firstPositive),
      lastGroup: firstPositive < 0 ? -1 : skipBelow ? groupEnds.length - 1 : groupOf(lastPositive),
      skipBelow,
    };
  });
  const present = Array.from({ length: k }, (_, c) => labels.includes(c));
  const aucDefined = present.map((p, c) => p && labels.some((l) => l !== c));
  const names: Figure[] = aucDefined.some(Boolean) ? [...FIGURES] : FIGURES.filter((f) => f !== "macroAuc");

  /** Per class and resample (`class * width + r`): weighted true positives, support, predicted count. */
  function confusion(weights: Uint16Array, width: number) {
    const tp = new Float64Array(k * width);
    const support = new Float64Array(k * width);
    const predictedCount = new Float64Array(k * width);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      const label = labels[i] * width;
      const guess = predicted[i] * width;
      const right = predicted[i] === labels[i];
      for (let r = 0; r < width; r++) {
        const w = weights[row + r];
        support[label + r] += w;
        predictedCount[guess + r] += w;
      }
      if (right) for (let r = 0; r < width; r++) tp[label + r] += weights[row + r];
    }
    return { tp, support, predictedCount };
  }

  type Confusion = ReturnType<typeof confusion>;

  function classificationFigures({ tp, support, predictedCount }: Confusion, width: number, balanced: Float64Array, f1: Float64Array, offset: number) {
    for (let r = 0; r < width; r++) {
      let recallSum = 0;
      let classes = 0;
      let f1Sum = 0;
      for (let c = 0; c < k; c++) {
        const at = c * width + r;
        const recall = support[at] === 0 ? 0 : tp[at] / support[at];
        const precision = predictedCount[at] === 0 ? 0 : tp[at] / predictedCount[at];
        if (support[at] !== 0) {
          recallSum += recall;
          classes++;
        }
        f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      }
      balanced[offset + r] = classes === 0 ? 0 : recallSum / classes;
      f1[offset + r] = f1Sum / k;
    }
  }

  /** Each resample's total weight: the supports summed. */
  function totals({ support }: Confusion, width: number) {
    const total = new Float64Array(width);
    for (let c = 0; c < k; c++) for (let r = 0; r < width; r++) total[r] += support[c * width + r];
    return total;
  }

  function logLoss(weights: Uint16Array, width: number, total: Float64Array, out: Float64Array, offset: number) {
    const sum = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      const l = loss[i];
      for (let r = 0; r < width; r++) sum[r] += weights[row + r] * l;
    }
    for (let r = 0; r < width; r++) out[offset + r] = total[r] === 0 ? 0 : sum[r] / total[r];
  }

  function macroAuc(weights: Uint16Array, width: number, { support }: Confusion, total: Float64Array, out: Float64Array, offset: number) {
    const sum = new Float64Array(width);
    const classes = new Float64Array(width);
    const wins = new Float64Array(width);
    const negativesBelow = new Float64Array(width);
    const groupPositives = new Float64Array(width);
    const groupNegatives = new Float64Array(width);
    for (let c = 0; c < k; c++) {
      if (!aucDefined[c]) continue;
      const { order, positive, groupEnds, firstGroup, lastGroup, skipBelow } = byScore[c];
      wins.fill(0);
      negativesBelow.fill(0);
      // Walk tie groups upwards: each positive beats the negatives below its group and ties
      // half of those inside it. A group of one (most) needs no group sums.
      let start = firstGroup === 0 ? 0 : groupEnds[firstGroup - 1];
      for (let g = firstGroup; g <= lastGroup; g++) {
        const end = groupEnds[g];
        if (end === start + 1) {
          const row = order[start] * width;
          if (positive[start]) for (let r = 0; r < width; r++) wins[r] += weights[row + r] * negativesBelow[r];
          else for (let r = 0; r < width; r++) negativesBelow[r] += weights[row + r];
        } else {
          groupPositives.fill(0);
          groupNegatives.fill(0);
          for (let j = start; j < end; j++) {
            const row = order[j] * width;
            const into = positive[j] ? groupPositives : groupNegatives;
            for (let r = 0; r < width; r++) into[r] += weights[row + r];
          }
          for (let r = 0; r < width; r++) {
            wins[r] += groupPositives[r] * (negativesBelow[r] + groupNegatives[r] / 2);
            negativesBelow[r] += groupNegatives[r];
          }
        }
        start = end;
      }
      // A class's positives weigh its support; its negatives all the rest.
      for (let r = 0; r < width; r++) {
        const positives = support[c * width + r];
        const negatives = total[r] - positives;
        if (positives === 0 || negatives === 0) continue;
        // The skipped negatives below the walk: all of them minus those walked.
        if (skipBelow) wins[r] += positives * (negatives - negativesBelow[r]);
        sum[r] += wins[r] / (positives * negatives);
        classes[r]++;
      }
    }
    for (let r = 0; r < width; r++) out[offset + r] = classes[r] === 0 ? NaN : sum[r] / classes[r];
  }

  function evaluate(weights: Uint16Array, width: number, out: Float64Array[], offset: number) {
    const counts = confusion(weights, width);
    const total = totals(counts, width);
    classificationFigures(counts, width, out[0], out[1], offset);
    logLoss(weights, width, total, out[2], offset);
    if (names.length > 3) macroAuc(weights, width, counts, total, out[3], offset);
  }

  return {
    names,
    evaluate,
    /** The figures under one set of weights (a block of one resample). */
    at(weights: ArrayLike<number>) {
      const out = names.map(() => new Float64Array(1));
      evaluate(Uint16Array.from(weights), 1, out, 0);
      return Object.fromEntries(names.map((name, i) => [name, out[i][0]]));
    },
  };
}

/**
 * n and a 95 % interval for every headline figure of a benchmark: Wilson for accuracy and
 * top-3 accuracy, a seeded stratified bootstrap (all figures on the same resamples) for
 * balanced accuracy, macro F1, log loss and macro AUC.
 */
export function evaluationIntervals(
  s: Scored,
  counts: { accuracy: number; top3Accuracy: number },
  bootstrap: BootstrapSettings = DEFAULT_BOOTSTRAP,
): EvaluationIntervals {
  const n = s.labels.length;
  const drawn: Partial<Record<Figure, Interval>> = stratifiedBootstrap(s.labels, weightedStatistics(s), bootstrap);
  return {
    n,
    accuracy: wilsonInterval(Math.round(counts.accuracy * n), n),
    top3Accuracy: wilsonInterval(Math.round(counts.top3Accuracy * n), n),
    balancedAccuracy: drawn.balancedAccuracy!,
    macroF1: drawn.macroF1!,
    logLoss: drawn.logLoss!,
    macroAuc: drawn.macroAuc ?? null,
    bootstrap,
  };
}
