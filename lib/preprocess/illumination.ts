import { boxBlur, squareFilter } from "./morphology";

/** The background is estimated on a copy this small (longest side): light varies slowly, and strokes vanish at this scale. */
const BACKGROUND_SIDE = 96;
/**
 * Strokes up to twice this fraction of the image's side wide are removed from the background
 * estimate (a closing for dark ink on light paper, an opening for light ink on dark). The page's
 * pen is 8 % of its canvas, a phone photo's strokes 4-6 %, so 10 % leaves a margin.
 */
const STROKE_REMOVAL = 0.1;

/** Background levels spread less than this (10th to 90th percentile, of 255) count as even light. */
const EVEN_LIGHT_SPREAD = 12;

/** The darkest paper may be this share darker than the brightest (a 30 % gradient is well inside). */
const MAX_LIGHT_DROP = 0.5;

export interface GrayLike {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Area-average to at most `side` pixels on the longer side. */
function shrink(image: GrayLike, side: number) {
  const factor = Math.max(1, Math.max(image.width, image.height) / side);
  const width = Math.max(1, Math.round(image.width / factor));
  const height = Math.max(1, Math.round(image.height / factor));
  const sum = new Float32Array(width * height);
  const count = new Float32Array(width * height);
  for (let y = 0; y < image.height; y++) {
    const sy = Math.min(height - 1, Math.floor((y * height) / image.height));
    for (let x = 0; x < image.width; x++) {
      const at = sy * width + Math.min(width - 1, Math.floor((x * width) / image.width));
      sum[at] += image.data[y * image.width + x];
      count[at]++;
    }
  }
  for (let i = 0; i < sum.length; i++) sum[i] /= count[i] || 1;
  return { width, height, data: sum };
}

/** Bilinear interpolation of a small map back to the image's size (pixel centres aligned). */
function enlarge(small: Float32Array, sw: number, sh: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / height - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / width - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const top = small[y0 * sw + x0] * (1 - tx) + small[y0 * sw + x1] * tx;
      const bottom = small[y1 * sw + x0] * (1 - tx) + small[y1 * sw + x1] * tx;
      out[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/**
 * The paper (or canvas) under the ink, pixel by pixel: a gradient of light, a shadow or tinted
 * paper is background, not ink. A morphological closing (max, then min) of a small copy
 * removes dark strokes and keeps the slowly varying light; `lightInk` (light ink on a dark
 * ground) uses the opening instead. Smoothed, then enlarged back.
 */
export function backgroundOf(image: GrayLike, lightInk: boolean): Float32Array {
  const small = shrink(image, BACKGROUND_SIDE);
  const radius = Math.max(1, Math.ceil(STROKE_REMOVAL * Math.max(small.width, small.height)));
  const [first, second] = lightInk ? [Math.min, Math.max] : [Math.max, Math.min];
  const closed = squareFilter(squareFilter(small.data, small.width, small.height, radius, first), small.width, small.height, radius, second);
  const smooth = boxBlur(closed, small.width, small.height, Math.max(1, Math.round(radius / 2)));
  // Light falls off gradually: paper is never far darker than the paper around it. A region
  // the closing could not remove (a filled shape wider than the strokes) stays ink, not paper.
  const sorted = Float32Array.from(smooth).sort();
  // Evenly lit (a drawing, a scan, a screenshot): one level for the whole image, as the border
  // says. A local estimate there could only mistake the widest strokes for background.
  const spread = sorted[Math.floor(0.9 * (sorted.length - 1))] - sorted[Math.floor(0.1 * (sorted.length - 1))];
  if (spread < EVEN_LIGHT_SPREAD) return new Float32Array(image.width * image.height).fill(sorted[Math.floor(0.5 * (sorted.length - 1))]);
  if (lightInk) {
    const ground = sorted[Math.floor(0.1 * (sorted.length - 1))];
    const ceiling = ground + MAX_LIGHT_DROP * (255 - ground);
    for (let i = 0; i < smooth.length; i++) smooth[i] = Math.min(smooth[i], ceiling);
  } else {
    const paper = sorted[Math.floor(0.9 * (sorted.length - 1))];
    for (let i = 0; i < smooth.length; i++) smooth[i] = Math.max(smooth[i], (1 - MAX_LIGHT_DROP) * paper);
  }
  return enlarge(smooth, small.width, small.height, image.width, image.height);
}
