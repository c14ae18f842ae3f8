import { seededRandom } from "@/lib/random";

/** A 95 % interval around a figure, and how it was made. */
export interface Interval {
  low: number;
  high: number;
  method: "wilson" | "bootstrap";
}

/** The 0.975 quantile of the standard normal: a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson's score interval for a proportion (accuracy-like figures): well behaved near 0 and 1
 * and for small n, where the normal approximation is not (1/1 correct gives 0.21-1, not 1-1).
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 1, method: "wilson" };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half), method: "wilson" };
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials[k] = logFactorials[k - 1] + Math.log(k);
  return logFactorials[n];
}

/**
 * The exact McNemar test of two classifiers on the same images: `b` images only the first got
 * right, `c` only the second. Under "equally good" the b + c discordant images split as a fair
 * coin; the two-sided p-value is twice the smaller tail of Binomial(b + c, 1/2), at most 1.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += Math.exp(logFactorial(n) - logFactorial(i) - logFactorial(n - i) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

/**
 * A stratified percentile bootstrap: `resamples` times, each class's members are drawn with
 * replacement (so every resample keeps the class counts), and every statistic is computed on
 * the same draw, given as `weights[i]` = how often sample i was drawn (a statistic over
 * weights needs no copy of the data and no re-sorting). The 2.5th and 97.5th percentiles are
 * the interval. Seeded: the same data and seed give the same intervals.
 */
export function stratifiedBootstrap<K extends string>(
  labels: ArrayLike<number>,
  statistics: Record<K, (weights: Uint32Array) => number>,
  options: { resamples?: number; seed?: number } = {},
): Record<K, Interval> {
  const resamples = options.resamples ?? 1000;
  const random = seededRandom(options.seed ?? 1);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]) ?? [];
    members.push(i);
    byClass.set(labels[i], members);
  }
  const strata = [...byClass.values()];
  const names = Object.keys(statistics) as K[];
  const values = names.map(() => new Float64Array(resamples));
  const weights = new Uint32Array(labels.length);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (const members of strata) for (let j = 0; j < members.length; j++) weights[members[Math.floor(random() * members.length)]]++;
    names.forEach((name, s) => (values[s][r] = statistics[name](weights)));
  }
  return Object.fromEntries(names.map((name, s) => [name, percentileInterval(values[s])])) as Record<K, Interval>;
}

function percentileInterval(values: Float64Array): Interval {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0) return { low: NaN, high: NaN, method: "bootstrap" };
  const at = (q: number) => finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
  return { low: at(0.025), high: at(0.975), method: "bootstrap" };
}

/** Two classifiers on the same n images: the 2x2 table of right/wrong and the exact McNemar p-value. */
export interface PairedContingency {
  n: number;
  bothCorrect: number;
  /** Right by the first (e.g. the challenger) only. */
  firstOnly: number;
  /** Right by the second (e.g. the champion) only. */
  secondOnly: number;
  bothWrong: number;
  pValue: number;
}

/** The paired test from each model's predicted class per image and the true labels (same order). */
export function pairedContingency(labels: ArrayLike<number>, first: ArrayLike<number>, second: ArrayLike<number>): PairedContingency {
  if (first.length !== labels.length || second.length !== labels.length) {
    throw new RangeError(`paired predictions must cover the same images: ${labels.length} labels, ${first.length} and ${second.length} predictions`);
  }
  let bothCorrect = 0;
  let firstOnly = 0;
  let secondOnly = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = first[i] === labels[i];
    const b = second[i] === labels[i];
    if (a && b) bothCorrect++;
    else if (a) firstOnly++;
    else if (b) secondOnly++;
  }
  const n = labels.length;
  return { n, bothCorrect, firstOnly, secondOnly, bothWrong: n - bothCorrect - firstOnly - secondOnly, pValue: mcnemarExact(firstOnly, secondOnly) };
}

/** A figure with its sample size and 95 % interval: what every table and card shows. */
export interface Estimate {
  value: number;
  n: number;
  interval: Interval;
}

/**
 * Accuracy with its Wilson interval: the stored one when the benchmark has it, otherwise
 * computed from the count (the same formula; benchmarks from before intervals were stored).
 */
export function accuracyEstimate(accuracy: number, n: number, stored?: Interval | null): Estimate {
  return { value: accuracy, n, interval: stored ?? wilsonInterval(Math.round(accuracy * n), n) };
}
