import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { LinearWeights } from "@/lib/ml";

/**
 * Exact SHAP values of a linear model's logits with independent features (interventional):
 * φ[k][i][c] = w[i][c] · (x[k][i] − E[x_i]). Per image and class they sum to
 * logit_c(x) − logit_c(E[x]). Returns count x 784 x 10.
 */
export function linearShap(weights: LinearWeights, pixels: Float32Array, count: number, backgroundMean: Float32Array): Float32Array {
  const out = new Float32Array(count * IMAGE_PIXELS * NUM_CLASSES);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const delta = pixels[k * IMAGE_PIXELS + i] - backgroundMean[i];
      const base = (k * IMAGE_PIXELS + i) * NUM_CLASSES;
      for (let c = 0; c < NUM_CLASSES; c++) out[base + c] = weights.kernel[i * NUM_CLASSES + c] * delta;
    }
  }
  return out;
}

/** Logits (before the softmax) of a linear model, count x 10. */
export function linearLogits(weights: LinearWeights, pixels: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * NUM_CLASSES);
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < NUM_CLASSES; c++) {
      let sum = weights.bias[c];
      for (let i = 0; i < IMAGE_PIXELS; i++) sum += weights.kernel[i * NUM_CLASSES + c] * pixels[k * IMAGE_PIXELS + i];
      out[k * NUM_CLASSES + c] = sum;
    }
  }
  return out;
}
