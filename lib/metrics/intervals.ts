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
 * Statistics of a labelled set as functions of bootstrap weights (how often each sample was
 * drawn), evaluated on a block of resamples at once. `weights` is sample-major: sample i's
 * count in resample r is `weights[i * width + r]`, so a statistic walks each sample once and
 * updates all `width` resamples from one contiguous row (much faster than a pass per resample,
 * which reads the weights in random order).
 */
export interface BlockStatistics<K extends string> {
  names: readonly K[];
  /** Writes statistic `names[s]` of resample r (r < width) to `out[s][offset + r]`. */
  evaluate(weights: Uint16Array, width: number, out: Float64Array[], offset: number): void;
}

/** One block of resamples: `width` of them, sample-major (see BlockStatistics). */
interface DrawBlock {
  weights: Uint16Array;
  width: number;
}

// A block's weights stay within this many bytes (a cache-friendly slab even for large sets).
const BLOCK_BYTES = 8 * 2 ** 20;
// The draws depend only on the labels, the seed and the count, not on the model: every model
// benchmarked on the same data reuses them (the benchmark engine runs one dataset version's
// models one after another in the same worker). Bounded, newest kept.
const DRAW_CACHE_BYTES = 32 * 2 ** 20;
const drawCache: Array<{ key: string; labels: Uint8Array; blocks: DrawBlock[]; bytes: number }> = [];

function labelBytes(labels: ArrayLike<number>): Uint8Array | null {
  const bytes = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] > 255) return null;
    bytes[i] = labels[i];
  }
  return bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The resamples of a stratified bootstrap, in blocks: each resample draws every class's members
 * with replacement, so it keeps the class counts. A count fits 16 bits (it cannot exceed the
 * class's size, and reaching 65,536 draws of one sample is beyond any real chance).
 */
function drawBlocks(labels: ArrayLike<number>, resamples: number, seed: number): DrawBlock[] {
  const n = labels.length;
  const bytes = labelBytes(labels);
  const key = `${seed}:${resamples}:${n}`;
  const cached = bytes && drawCache.find((entry) => entry.key === key && sameBytes(entry.labels, bytes));
  if (cached) return cached.blocks;

  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const members = byClass.get(labels[i]) ?? [];
    members.push(i);
    byClass.set(labels[i], members);
  }
  const strata = [...byClass.values()];
  const blockWidth = Math.max(1, Math.min(resamples, Math.floor(BLOCK_BYTES / (2 * Math.max(1, n)))));
  const blocks: DrawBlock[] = [];
  for (let first = 0; first < resamples; first += blockWidth) {
    const width = Math.min(blockWidth, resamples - first);
    const weights = new Uint16Array(n * width);
    // Resample by resample, in the same order of random numbers as one pass per resample would use.
    for (let r = 0; r < width; r++) {
      for (const members of strata) for (let j = 0; j < members.length; j++) weights[members[Math.floor(random() * members.length)] * width + r]++;
    }
    blocks.push({ weights, width });
  }
  const size = 2 * n * resamples;
  if (bytes && size <= DRAW_CACHE_BYTES) {
    drawCache.unshift({ key, labels: bytes, blocks, bytes: size });
    let total = 0;
    for (let i = 0; i < drawCache.length; i++) {
      total += drawCache[i].bytes;
      if (total > DRAW_CACHE_BYTES) drawCache.length = i;
    }
  }
  return blocks;
}

/**
 * A stratified percentile bootstrap: `resamples` times, each class's members are drawn with
 * replacement (so every resample keeps the class counts), and every statistic is computed on
 * the same draw. The 2.5th and 97.5th percentiles are the interval. Seeded: the same data and
 * seed give the same intervals.
 */
export function stratifiedBootstrap<K extends string>(
  labels: ArrayLike<number>,
  statistics: BlockStatistics<K>,
  options: { resamples?: number; seed?: number } = {},
): Record<K, Interval> {
  const resamples = options.resamples ?? 1000;
  const values = statistics.names.map(() => new Float64Array(resamples));
  let offset = 0;
  for (const block of drawBlocks(labels, resamples, options.seed ?? 1)) {
    statistics.evaluate(block.weights, block.width, values, offset);
    offset += block.width;
  }
  return Object.fromEntries(statistics.names.map((name, s) => [name, percentileInterval(values[s])])) as Record<K, Interval>;
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
