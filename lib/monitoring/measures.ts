/**
 * Distribution-shift measures between a reference and a current distribution.
 *
 * Histogram measures take counts over the same bins (any scale; they are normalised).
 * KL divergence and PSI are undefined where a bin is empty on one side, so both sides get
 * `EPSILON` probability in every bin first: the measures stay finite, and two disjoint
 * distributions reach the largest value these bins allow.
 */
export const EPSILON = 1e-4;

function probabilities(counts: ArrayLike<number>, epsilon = 0): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!(counts[i] >= 0)) throw new Error(`histogram bin ${i} is ${counts[i]}: counts must be non-negative numbers`);
    total += counts[i];
  }
  if (total === 0) throw new Error("histogram is empty");
  const p = Array.from(counts, (n) => n / total + epsilon);
  const sum = 1 + epsilon * counts.length;
  return p.map((v) => v / sum);
}

function sameLength(p: ArrayLike<number>, q: ArrayLike<number>) {
  if (p.length !== q.length || p.length === 0) throw new Error(`histograms have ${p.length} and ${q.length} bins: they must share the same non-empty bins`);
}

/** Kullback-Leibler divergence KL(current ‖ reference) = Σ p ln(p / q), in nats. 0 when identical. */
export function klDivergence(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  sameLength(reference, current);
  const q = probabilities(reference, EPSILON);
  const p = probabilities(current, EPSILON);
  return Math.max(
    0,
    p.reduce((sum, pi, i) => sum + pi * Math.log(pi / q[i]), 0),
  );
}

/** Hellinger distance √(1 − Σ √(p q)): 0 when identical, 1 when disjoint. Needs no smoothing. */
export function hellingerDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  sameLength(reference, current);
  const q = probabilities(reference);
  const p = probabilities(current);
  const coefficient = p.reduce((sum, pi, i) => sum + Math.sqrt(pi * q[i]), 0);
  return Math.sqrt(Math.max(0, 1 - coefficient));
}

/**
 * Population stability index Σ (p − q) ln(p / q): the symmetric KL. Rule of thumb in credit
 * scoring, where it comes from: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  sameLength(reference, current);
  const q = probabilities(reference, EPSILON);
  const p = probabilities(current, EPSILON);
  return p.reduce((sum, pi, i) => sum + (pi - q[i]) * Math.log(pi / q[i]), 0);
}

/** Rows of equal-length feature vectors, stored flat. */
export interface Vectors {
  dims: number;
  values: Float64Array;
}

function meanDistance(a: Vectors, b: Vectors, scale: number[]): number {
  const n = a.values.length / a.dims;
  const m = b.values.length / b.dims;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let squared = 0;
      for (let d = 0; d < a.dims; d++) {
        const diff = (a.values[i * a.dims + d] - b.values[j * b.dims + d]) / scale[d];
        squared += diff * diff;
      }
      total += Math.sqrt(squared);
    }
  }
  return total / (n * m);
}

/**
 * Average pairwise distance between two samples of feature vectors, as its excess over the
 * samples' own spread: mean ‖x − y‖ across the sets minus the mean of the within-set means
 * (pairs with themselves included). That is half the energy distance: 0 for identical
 * samples, ≥ 0 always, and it grows with the gap between the sets. Each dimension is divided
 * by the reference's standard deviation, so features in pixels and in ink units weigh alike.
 */
export function averagePairwiseDistance(reference: Vectors, current: Vectors): number {
  if (reference.dims !== current.dims || reference.dims === 0) throw new Error("feature vectors must have the same dimensions");
  const n = reference.values.length / reference.dims;
  if (n === 0 || current.values.length === 0) throw new Error("both samples need at least one vector");
  const scale = Array.from({ length: reference.dims }, (_, d) => {
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const v = reference.values[i * reference.dims + d];
      sum += v;
      squares += v * v;
    }
    const variance = squares / n - (sum / n) ** 2;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const across = meanDistance(reference, current, scale);
  const within = (meanDistance(reference, reference, scale) + meanDistance(current, current, scale)) / 2;
  return Math.max(0, across - within);
}
