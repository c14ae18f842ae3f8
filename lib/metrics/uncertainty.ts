import { stratifiedBootstrap, wilsonInterval, type Interval } from "./intervals";
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

/**
 * The statistics of one benchmark as functions of bootstrap weights (how often each image was
 * drawn). With every weight 1 they equal the plain metrics; the tests check that.
 */
export function weightedStatistics(s: Scored) {
  checkScored(s);
  const n = s.labels.length;
  const k = s.classes;
  const predicted = Uint8Array.from({ length: n }, (_, i) => predictedClass(s, i));
  const loss = Float64Array.from({ length: n }, (_, i) => -Math.log(Math.min(1, Math.max(1e-15, s.probabilities[i * k + s.labels[i]]))));
  // Each class's images sorted by that class's score, ascending, with their tie groups and
  // positive/negative marks laid out beforehand: the weighted Mann-Whitney AUC is then one
  // tight pass per class and resample, with no sorting and no score comparisons.
  const byScore = Array.from({ length: k }, (_, c) => {
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => s.probabilities[a * k + c] - s.probabilities[b * k + c]);
    const positive = Uint8Array.from(order, (i) => (s.labels[i] === c ? 1 : 0));
    const groupEnds: number[] = [];
    for (let j = 1; j <= n; j++) if (j === n || s.probabilities[order[j] * k + c] !== s.probabilities[order[j - 1] * k + c]) groupEnds.push(j);
    return { order, positive, groupEnds: Uint32Array.from(groupEnds) };
  });
  const present = Array.from({ length: k }, (_, c) => Array.prototype.some.call(s.labels, (l: number) => l === c));
  const aucDefined = present.map((p, c) => p && Array.prototype.some.call(s.labels, (l: number) => l !== c));

  function confusion(weights: Uint32Array) {
    const tp = new Float64Array(k);
    const support = new Float64Array(k);
    const predictedCount = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (w === 0) continue;
      support[s.labels[i]] += w;
      predictedCount[predicted[i]] += w;
      if (predicted[i] === s.labels[i]) tp[predicted[i]] += w;
    }
    return { tp, support, predictedCount };
  }

  return {
    balancedAccuracy(weights: Uint32Array): number {
      const { tp, support } = confusion(weights);
      let sum = 0;
      let classes = 0;
      for (let c = 0; c < k; c++) {
        if (support[c] === 0) continue;
        sum += tp[c] / support[c];
        classes++;
      }
      return classes === 0 ? 0 : sum / classes;
    },
    macroF1(weights: Uint32Array): number {
      const { tp, support, predictedCount } = confusion(weights);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const precision = predictedCount[c] === 0 ? 0 : tp[c] / predictedCount[c];
        const recall = support[c] === 0 ? 0 : tp[c] / support[c];
        sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      }
      return sum / k;
    },
    logLoss(weights: Uint32Array): number {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        sum += weights[i] * loss[i];
        total += weights[i];
      }
      return total === 0 ? 0 : sum / total;
    },
    macroAuc(weights: Uint32Array): number {
      let sum = 0;
      let classes = 0;
      for (let c = 0; c < k; c++) {
        if (!aucDefined[c]) continue;
        const { order, positive, groupEnds } = byScore[c];
        // Walk tie groups from the lowest score: each positive beats the negatives below its
        // group and ties half of those inside it.
        let negativesBelow = 0;
        let wins = 0;
        let positives = 0;
        let start = 0;
        for (let g = 0; g < groupEnds.length; g++) {
          const end = groupEnds[g];
          let groupPositives = 0;
          let groupNegatives = 0;
          for (let j = start; j < end; j++) {
            const w = weights[order[j]];
            if (positive[j]) groupPositives += w;
            else groupNegatives += w;
          }
          wins += groupPositives * (negativesBelow + groupNegatives / 2);
          positives += groupPositives;
          negativesBelow += groupNegatives;
          start = end;
        }
        if (positives === 0 || negativesBelow === 0) continue;
        sum += wins / (positives * negativesBelow);
        classes++;
      }
      return classes === 0 ? NaN : sum / classes;
    },
    hasAuc: aucDefined.some(Boolean),
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
  const statistics = weightedStatistics(s);
  const { hasAuc, ...figures } = statistics;
  const { macroAuc, ...always } = figures;
  const drawn: Partial<Record<keyof typeof figures, Interval>> = stratifiedBootstrap<string>(s.labels, hasAuc ? { ...always, macroAuc } : always, bootstrap);
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
