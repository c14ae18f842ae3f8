import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/random";
import {
  accuracy,
  averagedReport,
  averagePrecision,
  balancedAccuracy,
  calibration,
  computeMetrics,
  confusionMatrix,
  evaluationIntervals,
  logLoss,
  mcnemarExact,
  oneVsRestRoc,
  perClassReport,
  precisionRecallCurve,
  rocCurve,
  stratifiedBootstrap,
  topKAccuracy,
  trapezoid,
  weightedStatistics,
  wilsonInterval,
  type BlockStatistics,
  type Scored,
} from ".";

/** Three classes, six samples; predicted = argmax. */
const toy: Scored = {
  classes: 3,
  labels: [0, 0, 1, 1, 2, 2],
  probabilities: [
    0.7,
    0.2,
    0.1, // → 0 ✓
    0.3,
    0.6,
    0.1, // → 1 ✗ (true 0)
    0.1,
    0.8,
    0.1, // → 1 ✓
    0.2,
    0.3,
    0.5, // → 2 ✗ (true 1)
    0.1,
    0.1,
    0.8, // → 2 ✓
    0.2,
    0.2,
    0.6, // → 2 ✓
  ],
};

describe("classification metrics (hand-computed)", () => {
  it("confusion matrix and accuracy", () => {
    expect(confusionMatrix(toy)).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(accuracy(toy)).toBeCloseTo(4 / 6, 12);
  });

  it("precision, recall, F1 per class and averaged", () => {
    const report = perClassReport(toy);
    // class 0: P 1/1, R 1/2; class 1: P 1/2, R 1/2; class 2: P 2/3, R 2/2
    expect(report.map((r) => [r.precision, r.recall, r.support])).toEqual([
      [1, 0.5, 2],
      [0.5, 0.5, 2],
      [2 / 3, 1, 2],
    ]);
    expect(report[0].f1).toBeCloseTo(2 / 3, 12);
    expect(report[1].f1).toBeCloseTo(0.5, 12);
    expect(report[2].f1).toBeCloseTo(0.8, 12);
    const avg = averagedReport(report);
    expect(avg.macro.f1).toBeCloseTo((2 / 3 + 0.5 + 0.8) / 3, 12);
    expect(avg.weighted.precision).toBeCloseTo((1 + 0.5 + 2 / 3) / 3, 12);
    expect(balancedAccuracy(toy)).toBeCloseTo((0.5 + 0.5 + 1) / 3, 12);
  });

  it("top-k accuracy", () => {
    expect(topKAccuracy(toy, 1)).toBeCloseTo(4 / 6, 12);
    expect(topKAccuracy(toy, 2)).toBeCloseTo(1, 12);
  });

  it("log loss, clipped at zero probability", () => {
    const s: Scored = { classes: 2, labels: [0, 1], probabilities: [0.5, 0.5, 0.75, 0.25] };
    expect(logLoss(s)).toBeCloseTo((Math.log(2) + Math.log(4)) / 2, 12);
    expect(logLoss({ classes: 2, labels: [0], probabilities: [0, 1] })).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it("rejects malformed input", () => {
    expect(() => accuracy({ classes: 3, labels: [0], probabilities: [1, 0] })).toThrow(/expected 1 x 3/);
    expect(() => accuracy({ classes: 2, labels: [2], probabilities: [1, 0] })).toThrow(/not a class/);
  });
});

describe("ROC and precision-recall", () => {
  it("handles tied scores as one diagonal step (AUC by hand: 3.5 of 4 pairs)", () => {
    const curve = rocCurve([0.9, 0.8, 0.8, 0.3], [true, false, true, false]);
    expect(curve.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(trapezoid(curve)).toBeCloseTo(0.875, 12);
  });

  it("AUC of a perfect, an inverted and a random classifier", () => {
    expect(trapezoid(rocCurve([0.9, 0.8, 0.2, 0.1], [true, true, false, false]))).toBe(1);
    expect(trapezoid(rocCurve([0.1, 0.2, 0.8, 0.9], [true, true, false, false]))).toBe(0);
    const random = seededRandom(7);
    const scores = Array.from({ length: 20_000 }, () => random());
    const positives = Array.from({ length: 20_000 }, () => random() < 0.5);
    expect(trapezoid(rocCurve(scores, positives))).toBeCloseTo(0.5, 1);
    expect(trapezoid(rocCurve([0.5, 0.5, 0.5, 0.5], [true, false, true, false]))).toBeCloseTo(0.5, 12);
  });

  it("is empty when a class has no positives or no negatives", () => {
    expect(rocCurve([0.1, 0.2], [true, true])).toEqual([]);
  });

  it("one-vs-rest over the toy problem (class 0 by hand)", () => {
    const roc = oneVsRestRoc(toy);
    // class 0 scores: positives {0.7, 0.3}, negatives {0.1, 0.2, 0.1, 0.2}: all 8 pairs won → 1
    expect(roc.perClass[0].auc).toBeCloseTo(1, 12);
    expect(roc.macroAuc).toBeGreaterThan(0.5);
    expect(roc.microAuc).toBeGreaterThan(0.5);
    expect(roc.perClass).toHaveLength(3);
  });

  it("precision-recall curve and average precision (by hand)", () => {
    const curve = precisionRecallCurve([0.9, 0.8, 0.7, 0.6], [true, false, true, false]);
    expect(curve.map((p) => [p.x, p.y])).toEqual([
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    expect(averagePrecision(curve)).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
  });
});

describe("calibration", () => {
  it("is zero for a calibrated toy model and measures the gap otherwise", () => {
    // 10 predictions at confidence 0.8, 8 right: perfectly calibrated.
    const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const probabilities = labels.flatMap(() => [0.8, 0.2]);
    expect(calibration({ classes: 2, labels, probabilities }).ece).toBeCloseTo(0, 12);
    // Confidence 0.9 but only 6 of 10 right: ECE = 0.3.
    const over = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const result = calibration({ classes: 2, labels: over, probabilities: over.flatMap(() => [0.9, 0.1]) }, 10);
    expect(result.ece).toBeCloseTo(0.3, 12);
    const bin = result.bins.find((b) => b.count > 0)!;
    expect([bin.lower, bin.upper, bin.count, bin.accuracy]).toEqual([0.8, 0.9, 10, 0.6]);
    expect(bin.confidence).toBeCloseTo(0.9, 12);
  });
});

describe("metric registry", () => {
  it("computes what a manifest asks for and refuses unknown names", () => {
    expect(Object.keys(computeMetrics(toy, ["accuracy", "log_loss"]))).toEqual(["accuracy", "log_loss"]);
    expect(Object.keys(computeMetrics(toy))).toContain("roc_auc");
    expect(() => computeMetrics(toy, ["accuracy", "vibes"])).toThrow(/Unknown metric\(s\): vibes/);
  });
});

describe("intervals and paired tests (reference values from statsmodels 0.15)", () => {
  it("Wilson's interval", () => {
    const big = wilsonInterval(1930, 2000);
    expect(big.low).toBeCloseTo(0.9560127151847282, 12);
    expect(big.high).toBeCloseTo(0.9722044308437063, 12);
    const one = wilsonInterval(1, 1);
    expect(one.low).toBeCloseTo(0.2065493143772374, 12);
    expect(one.high).toBe(1);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.27753279986288926, 12);
  });

  it("the exact McNemar test", () => {
    expect(mcnemarExact(12, 4)).toBeCloseTo(0.076812744140625, 12);
    expect(mcnemarExact(4, 12)).toBeCloseTo(0.076812744140625, 12);
    expect(mcnemarExact(6, 0)).toBeCloseTo(0.03125, 12);
    expect(mcnemarExact(30, 24)).toBeCloseTo(0.49661743531793345, 12);
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it("a seeded stratified bootstrap: repeatable, around the estimate, narrower with more data, the same in any block size", () => {
    const labelsOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 2);
    const correctOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i % 10 < 8 ? 1 : 0));
    const calls: number[] = [];
    const accuracyOn = (correct: Uint8Array): BlockStatistics<"accuracy"> => ({
      names: ["accuracy"],
      evaluate(weights, width, [out], offset) {
        calls.push(width);
        for (let r = 0; r < width; r++) {
          let sum = 0;
          for (let i = 0; i < correct.length; i++) sum += weights[i * width + r] * correct[i];
          out[offset + r] = sum / correct.length;
        }
      },
    });
    const small = stratifiedBootstrap(labelsOf(100), accuracyOn(correctOf(100)), { seed: 7 }).accuracy;
    expect(stratifiedBootstrap(labelsOf(100), accuracyOn(correctOf(100)), { seed: 7 }).accuracy).toEqual(small);
    expect(small.low).toBeLessThan(0.8);
    expect(small.high).toBeGreaterThan(0.8);
    const large = stratifiedBootstrap(labelsOf(2000), accuracyOn(correctOf(2000)), { seed: 7 }).accuracy;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    // 5,000 samples x 1,000 resamples exceed one block: the draws come in several, same interval
    // as a resample-by-resample loop over the same random numbers.
    calls.length = 0;
    const labels = labelsOf(5000);
    const correct = correctOf(5000);
    const blocked = stratifiedBootstrap(labels, accuracyOn(correct), { seed: 9, resamples: 1000 }).accuracy;
    expect(calls.length).toBeGreaterThan(1);
    const random = seededRandom(9);
    const strata = [0, 1].map((c) => [...labels.keys()].filter((i) => labels[i] === c));
    const values: number[] = [];
    for (let r = 0; r < 1000; r++) {
      let sum = 0;
      for (const members of strata) for (let j = 0; j < members.length; j++) sum += correct[members[Math.floor(random() * members.length)]];
      values.push(sum / 5000);
    }
    values.sort((a, b) => a - b);
    expect(blocked).toEqual({ low: values[Math.round(0.025 * 999)], high: values[Math.round(0.975 * 999)], method: "bootstrap" });
  });

  it("the weighted statistics equal the plain metrics when every image is drawn once, and follow the weights", () => {
    const random = seededRandom(3);
    const n = 300;
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const probabilities: number[] = [];
    for (let i = 0; i < n; i++) {
      // Mostly right, with ties among the small scores (rounded) to exercise the AUC's tie groups.
      const row = Array.from({ length: 10 }, (_, c) => Math.round((c === labels[i] ? 2 + random() * 3 : random() * 2) * 4) / 4 + 0.01);
      const sum = row.reduce((a, b) => a + b, 0);
      probabilities.push(...row.map((v) => v / sum));
    }
    const s: Scored = { classes: 10, labels, probabilities };
    const stats = weightedStatistics(s);
    const ones = new Uint32Array(n).fill(1);
    const metrics = computeMetrics(s);
    const plain = stats.at(ones);
    expect(plain.macroF1).toBeCloseTo(metrics.per_class!.macro.f1, 12);
    expect(plain.balancedAccuracy).toBeCloseTo(metrics.balanced_accuracy!, 12);
    expect(plain.logLoss).toBeCloseTo(metrics.log_loss!, 12);
    expect(plain.macroAuc).toBeCloseTo(metrics.roc_auc!.macroAuc!, 12);
    // Weight 2 on an image is the same as the image twice.
    const doubled: Scored = { classes: 10, labels: [...labels, labels[0]], probabilities: [...probabilities, ...probabilities.slice(0, 10)] };
    const twice = Uint32Array.from(ones, (w, i) => (i === 0 ? 2 : w));
    expect(stats.at(twice).macroAuc).toBeCloseTo(weightedStatistics(doubled).at(new Uint32Array(n + 1).fill(1)).macroAuc!, 12);
    expect(stats.at(twice).logLoss).toBeCloseTo(computeMetrics(doubled, ["log_loss"]).log_loss!, 12);
    // A block of resamples gives what each resample gives alone.
    const blockWeights = new Uint16Array(n * 3);
    const columns = [ones, twice, Uint32Array.from(ones, (_, i) => (i % 3 === 0 ? 0 : i % 5))];
    columns.forEach((weights, r) => weights.forEach((w, i) => (blockWeights[i * 3 + r] = w)));
    const out = stats.names.map(() => new Float64Array(3));
    stats.evaluate(blockWeights, 3, out, 0);
    columns.forEach((weights, r) => stats.names.forEach((name, f) => expect(out[f][r]).toBe(stats.at(weights)[name])));
  });

  it("the weighted macro AUC equals the pairwise definition, whichever tail of a class's scores is skipped", () => {
    const random = seededRandom(11);
    const n = 400;
    const labels = Array.from({ length: n }, (_, i) => i % 4);
    const probabilities: number[] = [];
    for (let i = 0; i < n; i++) {
      // Classes 0-1 score their positives high (a long tail of negatives below), 2-3 low
      // (the tail is above); rounding makes ties, and a few positives fall among the negatives.
      const row = Array.from({ length: 4 }, (_, c) => {
        const mine = c === labels[i];
        const high = c < 2 ? mine : !mine;
        return Math.round((high ? 3 + random() * 3 : random() * 3.2) * 8) / 8 + 0.01;
      });
      const sum = row.reduce((a, b) => a + b, 0);
      probabilities.push(...row.map((v) => v / sum));
    }
    const s: Scored = { classes: 4, labels, probabilities };
    const pairwise = (weights: ArrayLike<number>) => {
      let total = 0;
      for (let c = 0; c < 4; c++) {
        let wins = 0;
        let pos = 0;
        let neg = 0;
        for (let i = 0; i < n; i++) {
          if (labels[i] === c) pos += weights[i];
          else neg += weights[i];
        }
        for (let i = 0; i < n; i++) {
          if (labels[i] !== c || weights[i] === 0) continue;
          for (let j = 0; j < n; j++) {
            if (labels[j] === c) continue;
            const a = probabilities[i * 4 + c];
            const b = probabilities[j * 4 + c];
            wins += weights[i] * weights[j] * (a > b ? 1 : a === b ? 0.5 : 0);
          }
        }
        total += wins / (pos * neg);
      }
      return total / 4;
    };
    const stats = weightedStatistics(s);
    for (let trial = 0; trial < 5; trial++) {
      const weights = Uint32Array.from({ length: n }, () => Math.floor(random() * 3));
      expect(stats.at(weights).macroAuc).toBeCloseTo(pairwise(weights), 12);
    }
  });

  it("evaluation intervals: Wilson for accuracy, a seeded bootstrap around the estimate for the rest", () => {
    const random = seededRandom(5);
    const n = 2000;
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const probabilities: number[] = [];
    for (let i = 0; i < n; i++) {
      const right = random() < 0.9;
      const winner = right ? labels[i] : (labels[i] + 1) % 10;
      const row = Array.from({ length: 10 }, (_, c) => (c === winner ? 5 : random()));
      const sum = row.reduce((a, b) => a + b, 0);
      probabilities.push(...row.map((v) => v / sum));
    }
    const s: Scored = { classes: 10, labels, probabilities };
    const metrics = computeMetrics(s);
    const intervals = evaluationIntervals(s, { accuracy: metrics.accuracy!, top3Accuracy: metrics.top_3_accuracy! }, { seed: 1, resamples: 400 });
    expect(intervals.n).toBe(n);
    expect(intervals.accuracy).toEqual(wilsonInterval(Math.round(metrics.accuracy! * n), n));
    for (const [figure, value] of [
      [intervals.macroF1, metrics.per_class!.macro.f1],
      [intervals.balancedAccuracy, metrics.balanced_accuracy!],
      [intervals.logLoss, metrics.log_loss!],
      [intervals.macroAuc!, metrics.roc_auc!.macroAuc!],
    ] as const) {
      expect(figure.method).toBe("bootstrap");
      expect(figure.low).toBeLessThanOrEqual(value);
      expect(figure.high).toBeGreaterThanOrEqual(value);
      expect(figure.high - figure.low).toBeLessThan(0.1);
    }
    expect(evaluationIntervals(s, { accuracy: metrics.accuracy!, top3Accuracy: metrics.top_3_accuracy! }, { seed: 1, resamples: 400 })).toEqual(intervals);
  });
});
