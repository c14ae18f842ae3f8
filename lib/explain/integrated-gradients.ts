import { IMAGE_PIXELS } from "@/lib/kmnist";
import type { Classifier } from "@/lib/ml";

export interface IntegratedGradientsOptions {
  /** Points on the straight path from the baseline to the image (Riemann midpoints). */
  steps: number;
  /** Images per gradient call, bounding memory. */
  batchSize?: number;
}

/**
 * Integrated gradients (Sundararajan et al., 2017) from a black baseline, which is KMNIST's
 * background: attribution_i = x_i · mean over α of ∂p_target/∂x_i at α·x. They sum to
 * p_target(x) − p_target(black) up to the Riemann error. Returns count x 784.
 */
export function integratedGradients(
  classifier: Pick<Classifier, "inputGradients">,
  pixels: Float32Array,
  count: number,
  targets: Int32Array,
  { steps, batchSize = 256 }: IntegratedGradientsOptions,
): Float32Array {
  if (!classifier.inputGradients) throw new Error("integrated gradients need a differentiable model");
  const out = new Float32Array(count * IMAGE_PIXELS);
  // One long list of (image, step) points, sent in batches.
  const total = count * steps;
  for (let start = 0; start < total; start += batchSize) {
    const n = Math.min(batchSize, total - start);
    const batch = new Float32Array(n * IMAGE_PIXELS);
    const batchTargets = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const k = Math.floor((start + j) / steps);
      const alpha = (((start + j) % steps) + 0.5) / steps;
      batchTargets[j] = targets[k];
      for (let i = 0; i < IMAGE_PIXELS; i++) batch[j * IMAGE_PIXELS + i] = alpha * pixels[k * IMAGE_PIXELS + i];
    }
    const gradients = classifier.inputGradients(batch, n, batchTargets);
    for (let j = 0; j < n; j++) {
      const k = Math.floor((start + j) / steps);
      for (let i = 0; i < IMAGE_PIXELS; i++) out[k * IMAGE_PIXELS + i] += gradients[j * IMAGE_PIXELS + i] / steps;
    }
  }
  for (let p = 0; p < out.length; p++) out[p] *= pixels[p];
  return out;
}
