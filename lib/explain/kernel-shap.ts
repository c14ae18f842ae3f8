import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from "@/lib/kmnist";
import { seededRandom } from "@/lib/random";

export interface KernelShapOptions {
  /** Side of the square image patches that are the players (must divide 28). */
  patch: number;
  /** Sampled coalitions per image (used in complementary pairs). */
  samples: number;
  seed: number;
}

export interface KernelShapResult {
  /** players x 10: each patch's contribution to each class probability. */
  values: Float64Array;
  /** The prediction with every patch removed (black image). */
  base: Float64Array;
  /** The prediction for the whole image. */
  full: Float64Array;
  players: number;
}

type Predict = (pixels: Float32Array, count: number) => Float32Array | Promise<Float32Array>;

/** Coalition sizes drawn from the Shapley kernel: P(s) ∝ (M − 1) / (s · (M − s)), 0 < s < M. */
function sizeSampler(players: number, random: () => number): () => number {
  const weights = Array.from({ length: players - 1 }, (_, i) => (players - 1) / ((i + 1) * (players - (i + 1))));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = random() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) <= 0) return i + 1;
    return players - 1;
  };
}

/** Solves the symmetric positive-definite system A x = B (n x n, n x m right-hand sides) by Cholesky. */
function solveSpd(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * n + j];
    }
  }
  const x = new Float64Array(n * m);
  for (let col = 0; col < m; col++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = b[i * m + col];
      for (let k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
      y[i] = sum / l[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i];
      for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k * m + col];
      x[i * m + col] = sum / l[i * n + i];
    }
  }
  return x;
}

/**
 * Model-agnostic KernelSHAP (Lundberg & Lee, 2017) over square image patches: a removed patch
 * is set to black (KMNIST's background). Coalitions are sampled by the Shapley kernel in
 * complementary pairs, and the weighted regression is solved with the efficiency
 * constraint Σφ = f(x) − f(∅), for all ten classes at once.
 */
export async function kernelShap(predict: Predict, image: Float32Array, { patch, samples, seed }: KernelShapOptions): Promise<KernelShapResult> {
  if (IMAGE_SIDE % patch !== 0) throw new RangeError(`patch side ${patch} does not divide ${IMAGE_SIDE}`);
  const perRow = IMAGE_SIDE / patch;
  const players = perRow * perRow;
  const random = seededRandom(seed);
  const drawSize = sizeSampler(players, random);

  const coalitions: Uint8Array[] = [];
  while (coalitions.length < samples) {
    const z = new Uint8Array(players);
    const order = Array.from({ length: players }, (_, i) => i);
    const size = drawSize();
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(random() * (players - i));
      [order[i], order[j]] = [order[j], order[i]];
      z[order[i]] = 1;
    }
    coalitions.push(
      z,
      z.map((v) => 1 - v),
    );
  }

  // Row 0: nothing; row 1: everything; then the coalitions.
  const batch = new Float32Array((coalitions.length + 2) * IMAGE_PIXELS);
  batch.set(image, IMAGE_PIXELS);
  coalitions.forEach((z, k) => {
    const offset = (k + 2) * IMAGE_PIXELS;
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const player = Math.floor(Math.floor(i / IMAGE_SIDE) / patch) * perRow + Math.floor((i % IMAGE_SIDE) / patch);
      if (z[player]) batch[offset + i] = image[i];
    }
  });
  const predictions = await predict(batch, coalitions.length + 2);
  const base = Float64Array.from(predictions.subarray(0, NUM_CLASSES));
  const full = Float64Array.from(predictions.subarray(NUM_CLASSES, 2 * NUM_CLASSES));

  // Eliminate the last player with the constraint: y − z_M·Δ = Σ_{j<M} φ_j (z_j − z_M).
  const n = players - 1;
  const ata = new Float64Array(n * n);
  const atb = new Float64Array(n * NUM_CLASSES);
  const row = new Float64Array(n);
  coalitions.forEach((z, k) => {
    const last = z[players - 1];
    for (let j = 0; j < n; j++) row[j] = z[j] - last;
    for (let i = 0; i < n; i++) {
      if (row[i] === 0) continue;
      for (let j = 0; j < n; j++) ata[i * n + j] += row[i] * row[j];
      for (let c = 0; c < NUM_CLASSES; c++) {
        const y = predictions[(k + 2) * NUM_CLASSES + c] - base[c] - last * (full[c] - base[c]);
        atb[i * NUM_CLASSES + c] += row[i] * y;
      }
    }
  });
  // A whisper of ridge keeps the system solvable when few coalitions were drawn.
  for (let i = 0; i < n; i++) ata[i * n + i] += 1e-6;
  const solved = solveSpd(ata, atb, n, NUM_CLASSES);

  const values = new Float64Array(players * NUM_CLASSES);
  values.set(solved);
  for (let c = 0; c < NUM_CLASSES; c++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += solved[j * NUM_CLASSES + c];
    values[n * NUM_CLASSES + c] = full[c] - base[c] - sum;
  }
  return { values, base, full, players };
}

/** Spreads each patch's value for `target` evenly over its pixels (the heatmap keeps the sum). */
export function patchValuesToPixels(result: KernelShapResult, patch: number, target: number): Float32Array {
  const perRow = IMAGE_SIDE / patch;
  const out = new Float32Array(IMAGE_PIXELS);
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const player = Math.floor(Math.floor(i / IMAGE_SIDE) / patch) * perRow + Math.floor((i % IMAGE_SIDE) / patch);
    out[i] = result.values[player * NUM_CLASSES + target] / (patch * patch);
  }
  return out;
}
