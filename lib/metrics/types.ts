/**
 * Predictions to score: `probabilities` is n x k row-major (each row sums to ~1), `labels`
 * holds the true class (0..k-1) of each of the n samples.
 */
export interface Scored {
  probabilities: ArrayLike<number>;
  labels: ArrayLike<number>;
  classes: number;
}

export function predictedClass(s: Scored, i: number): number {
  let best = 0;
  for (let c = 1; c < s.classes; c++) if (s.probabilities[i * s.classes + c] > s.probabilities[i * s.classes + best]) best = c;
  return best;
}

export function checkScored(s: Scored): void {
  if (s.classes < 2) throw new RangeError("need at least two classes");
  if (s.probabilities.length !== s.labels.length * s.classes) {
    throw new RangeError(`probabilities hold ${s.probabilities.length} values; expected ${s.labels.length} x ${s.classes}`);
  }
  for (let i = 0; i < s.labels.length; i++) {
    const l = s.labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= s.classes) throw new RangeError(`label ${l} at ${i} is not a class`);
  }
}
