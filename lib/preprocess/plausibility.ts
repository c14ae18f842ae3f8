import { IMAGE_SIDE } from "@/lib/kmnist";
import { distanceToZero } from "./morphology";

/**
 * Whether a preprocessed 28x28 input can be a handwritten character at all: a tap, a straight
 * tick, a filled blob, a crossed-out area or a photo of nothing cannot. Each figure is compared
 * with what KMNIST's own characters show (bounds measured on the training split: ≤ 0.2 % of
 * characters fall outside any one of them), so real characters are not refused.
 */
export interface InkShape {
  /** Share of the 784 pixels at half intensity or more. */
  inkShare: number;
  /** Stroke width in pixels (4 x mean distance to the background, less 2: exact for bars). */
  strokeWidth: number;
  /** Smaller over larger principal axis of the ink (0: a straight line, 1: round). */
  elongation: number;
}

export function inkShape(pixels: Uint8Array): InkShape {
  const side = IMAGE_SIDE;
  const mask = Uint8Array.from(pixels, (v) => (v >= 128 ? 1 : 0));
  const inside = distanceToZero(mask, side, side);
  let area = 0;
  let distance = 0;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      if (mask[i]) {
        area++;
        distance += inside[i];
      }
      mass += pixels[i];
      mx += pixels[i] * x;
      my += pixels[i] * y;
    }
  mx /= mass || 1;
  my /= mass || 1;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const w = pixels[y * side + x];
      sxx += w * (x - mx) ** 2;
      syy += w * (y - my) ** 2;
      sxy += w * (x - mx) * (y - my);
    }
  const trace = sxx + syy;
  const root = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  const major = trace / 2 + root;
  const minor = trace / 2 - root;
  return {
    inkShare: area / (side * side),
    strokeWidth: area ? (4 * distance) / area - 2 : 0,
    elongation: major > 0 ? Math.sqrt(Math.max(0, minor) / major) : 0,
  };
}

/**
 * Bounds on KMNIST's own characters (see inkShape). On 2,000 of the training split through the
 * PNG path: ink share 0.015-0.431 (0.1 % below 0.028, 0.1 % above 0.401), stroke width at most
 * 5.35 (median 2.61), elongation at least 0.159, elongation per pixel of width at least 0.0415.
 */
export const SHAPE_BOUNDS = {
  minInkShare: 0.012,
  maxInkShare: 0.44,
  maxStrokeWidth: 6,
  minElongation: 0.12,
  /** Elongation per pixel of stroke width: a short, thick dash is both thick and long; characters are one or the other (KMNIST: 0.1 % below 0.068). */
  minElongationPerWidth: 0.05,
};

export type ImplausibleReason = "too_little_ink" | "too_much_ink" | "filled_shape" | "straight_line" | "short_dash";

/** Why the input cannot be a character, with a message for the person, or null when it can. */
export function implausibility(shape: InkShape, bounds = SHAPE_BOUNDS): { reason: ImplausibleReason; message: string } | null {
  if (shape.inkShare < bounds.minInkShare) return { reason: "too_little_ink", message: "there is almost no clear ink: this looks like noise or an empty page" };
  if (shape.inkShare > bounds.maxInkShare)
    return {
      reason: "too_much_ink",
      message: `ink covers ${Math.round(shape.inkShare * 100)} % of the character's box: this looks like noise or a filled area, not strokes`,
    };
  if (shape.strokeWidth > bounds.maxStrokeWidth)
    return { reason: "filled_shape", message: "this looks like a dot or a filled shape, not a character drawn in strokes" };
  if (shape.elongation < bounds.minElongation)
    return { reason: "straight_line", message: "this looks like a single straight line, not one of the ten characters" };
  if (shape.elongation < bounds.minElongationPerWidth * shape.strokeWidth)
    return { reason: "short_dash", message: "this looks like a short dash, not one of the ten characters" };
  return null;
}
