import sharp from "sharp";
import { IMAGE_SIDE } from "@/lib/kmnist";
import { renderStrokes, type Strokes } from "./strokes";

/** Centre lines are traced on the character enlarged to this side (4x): fine enough for smooth strokes. */
const TRACE_SIDE = 112;

/** The 8 neighbours of a pixel, clockwise from north: the order Zhang-Suen's rules are written in. */
const NEIGHBOURS: ReadonlyArray<readonly [number, number]> = [
  [0, -1],
  [1, -1],
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
  [-1, -1],
];

/** Zhang-Suen thinning of a binary image (1 = ink) to one-pixel centre lines. */
export function skeleton(binary: Uint8Array, width: number, height: number): Uint8Array {
  const img = Uint8Array.from(binary);
  const p = new Uint8Array(8);
  const remove: number[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const step of [0, 1]) {
      remove.length = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!img[y * width + x]) continue;
          let neighbours = 0;
          for (let k = 0; k < 8; k++) {
            const xx = x + NEIGHBOURS[k][0];
            const yy = y + NEIGHBOURS[k][1];
            p[k] = xx < 0 || yy < 0 || xx >= width || yy >= height ? 0 : img[yy * width + xx];
            neighbours += p[k];
          }
          if (neighbours < 2 || neighbours > 6) continue;
          let transitions = 0;
          for (let k = 0; k < 8; k++) if (p[k] === 0 && p[(k + 1) % 8] === 1) transitions++;
          if (transitions !== 1) continue;
          if (step === 0 ? p[0] * p[2] * p[4] === 0 && p[2] * p[4] * p[6] === 0 : p[0] * p[2] * p[6] === 0 && p[0] * p[4] * p[6] === 0)
            remove.push(y * width + x);
        }
      }
      for (const i of remove) img[i] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

/** Traces a skeleton (1 = centre line, 8-connected) into polylines, as a pen would have drawn it: from the ends first, then the loops. */
export function skeletonPolylines(thin: Uint8Array, width: number, height: number): Array<Array<[number, number]>> {
  const left = Uint8Array.from(thin);
  const next = (x: number, y: number, count = false): number => {
    let found = -1;
    let n = 0;
    for (const [dx, dy] of NEIGHBOURS) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < width && yy < height && left[yy * width + xx]) {
        if (found < 0) found = yy * width + xx;
        n++;
      }
    }
    return count ? n : found;
  };
  const lines: Array<Array<[number, number]>> = [];
  const walkFrom = (start: number) => {
    const line: Array<[number, number]> = [];
    for (let at = start; at >= 0; at = next(at % width, Math.floor(at / width))) {
      left[at] = 0;
      line.push([at % width, Math.floor(at / width)]);
    }
    lines.push(line);
  };
  for (let i = 0; i < left.length; i++) if (left[i] && next(i % width, Math.floor(i / width), true) === 1) walkFrom(i);
  for (let i = 0; i < left.length; i++) if (left[i]) walkFrom(i);
  return lines;
}

/** A 28x28 character's centre lines as strokes, in the 4x tracing grid's pixels (empty when it has no ink). */
export async function centreLines(pixels: Uint8Array): Promise<Array<Array<[number, number]>>> {
  const { data } = await sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 1 },
  })
    .resize(TRACE_SIDE, TRACE_SIDE, { kernel: "cubic" })
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
  const binary = Uint8Array.from(data, (v) => (v >= 128 ? 1 : 0));
  return skeletonPolylines(skeleton(binary, TRACE_SIDE, TRACE_SIDE), TRACE_SIDE, TRACE_SIDE);
}

/**
 * A character redrawn the way the predict page's drawings reach the model: its centre lines
 * rendered at KMNIST's median stroke width (renderStrokes). Training on such renditions
 * teaches a model to read uniform strokes, not only KMNIST's brush. Null without ink.
 */
export async function strokeRendition(pixels: Uint8Array): Promise<Uint8Array | null> {
  const lines: Strokes = await centreLines(pixels);
  return lines.length ? renderStrokes(lines) : null;
}
