import { PreprocessError, toKmnistPixels } from "./preprocess";

/** A drawing as the pen moved: strokes of [x, y] points, in any units (the page sends canvas pixels). */
export type Strokes = ReadonlyArray<ReadonlyArray<readonly [number, number]>>;

/** Drawings are rendered at 4x KMNIST's side, then reduced like any image (soft, KMNIST-like edges). */
const RENDER_SIDE = 112;
/**
 * The pen's width as a fraction of the character's side. KMNIST's median stroke width is 2.6 px
 * at 28 (`inkShape`, training split); the centre lines of 300 KMNIST characters rendered with
 * this pen measure 2.65 (2.45-3.07 for 90 % of them).
 */
export const KMNIST_STROKE_FRACTION = 2.3 / 28;

/** One pixel of pen per step: enough stamps for a continuous line. */
const STAMP_STEP = 0.75;
/**
 * The strokes' total length, in widths of the drawing, above which it is refused before
 * rendering: a character's strokes add up to 3-8 widths, a dense scribble to ~15; 8,192 points
 * zig-zagging across it could make thousands and keep the request thread busy for seconds.
 */
export const MAX_STROKE_LENGTH = 30;

export function strokesExtent(strokes: Strokes) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const stroke of strokes)
    for (const [x, y] of stroke) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  return { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * A drawing's strokes rendered the way KMNIST's characters are drawn: the pen's width is not
 * the person's pen but a fixed share of the character's own size, so a small drawing and a
 * large one give the same image (a fixed pen made small drawings fat blobs). Returns the
 * 784 bytes the model sees (white on black, fitted and centred like any image).
 */
export async function renderStrokes(strokes: Strokes): Promise<Uint8Array> {
  const extent = strokesExtent(strokes);
  const pen = KMNIST_STROKE_FRACTION * RENDER_SIDE;
  const longer = Math.max(extent.width, extent.height);
  // Centre lines span the side less the pen's width, so the ink spans the side.
  const scale = longer > 0 ? (RENDER_SIDE - pen - 2) / longer : 0;
  const offsetX = (RENDER_SIDE - extent.width * scale) / 2;
  const offsetY = (RENDER_SIDE - extent.height * scale) / 2;
  let length = 0;
  for (const stroke of strokes) for (let k = 1; k < stroke.length; k++) length += Math.hypot(stroke[k][0] - stroke[k - 1][0], stroke[k][1] - stroke[k - 1][1]);
  if (longer > 0 && length / longer > MAX_STROKE_LENGTH) {
    throw new PreprocessError(
      "not_a_character",
      `Not a character: the strokes are ${Math.round(length / longer)} times as long as the drawing is wide (a character's are under ${MAX_STROKE_LENGTH}): this looks like a scribble`,
    );
  }
  const ink = new Float32Array(RENDER_SIDE * RENDER_SIDE);
  const radius = pen / 2;
  const stamp = (cx: number, cy: number) => {
    for (let y = Math.max(0, Math.floor(cy - radius - 1)); y <= Math.min(RENDER_SIDE - 1, Math.ceil(cy + radius + 1)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius - 1)); x <= Math.min(RENDER_SIDE - 1, Math.ceil(cx + radius + 1)); x++) {
        const coverage = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
        if (coverage > ink[y * RENDER_SIDE + x]) ink[y * RENDER_SIDE + x] = coverage;
      }
    }
  };
  for (const stroke of strokes) {
    const points = stroke.map(([x, y]) => [offsetX + (x - extent.left) * scale, offsetY + (y - extent.top) * scale] as const);
    stamp(points[0][0], points[0][1]);
    for (let k = 1; k < points.length; k++) {
      const [ax, ay] = points[k - 1];
      const [bx, by] = points[k];
      const steps = Math.ceil(Math.hypot(bx - ax, by - ay) / STAMP_STEP);
      for (let j = 1; j <= steps; j++) stamp(ax + ((bx - ax) * j) / steps, ay + ((by - ay) * j) / steps);
    }
  }
  const data = Uint8Array.from(ink, (c) => Math.round(c * 255));
  return toKmnistPixels({ width: RENDER_SIDE, height: RENDER_SIDE, data }, { normaliseStrokes: false });
}
