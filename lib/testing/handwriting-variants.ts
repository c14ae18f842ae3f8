import sharp from "sharp";
import { centreLines } from "@/lib/preprocess";
import { seededRandom } from "@/lib/random";

/**
 * The inputs a person sends, made from KMNIST images: phone photos of ink on paper with uneven
 * light, rotations, other stroke widths, drawings made with the predict page's pen at several
 * sizes, and things that are not characters at all. Deterministic for a seed. Used by
 * `npm run bench -- robustness` and by the preprocessing tests.
 */

/** The predict page's canvas and pen (components/predict/drawing-canvas.tsx). */
export const CANVAS_SIDE = 280;
export const PEN_WIDTH = 22;

export type Variant =
  | { kind: "png"; side: number }
  | { kind: "photo"; gradient: number }
  | { kind: "rotated"; degrees: number }
  | { kind: "stroke"; radius: number }
  | { kind: "pen"; fraction: number };

export function variantName(v: Variant): string {
  switch (v.kind) {
    case "png":
      return `black-on-white PNG ${v.side}px`;
    case "photo":
      return `phone photo, ${Math.round(v.gradient * 100)} % light gradient`;
    case "rotated":
      return `rotated ${v.degrees > 0 ? "+" : ""}${v.degrees}°`;
    case "stroke":
      return v.radius > 0 ? `strokes thicker (disc ${2 * v.radius + 1} px at 4x)` : `strokes thinner (disc ${-2 * v.radius + 1} px at 4x)`;
    case "pen":
      return `page's pen at ${Math.round(v.fraction * 100)} % of the canvas`;
  }
}

const gray = (data: Uint8Array, width: number, height: number) =>
  sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 1 } });

async function upscaled(pixels: Uint8Array, side: number): Promise<Uint8Array> {
  const { data } = await gray(pixels, 28, 28).resize(side, side, { kernel: "cubic" }).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

const inverted = (ink: Uint8Array) => ink.map((v) => 255 - v);

/** Max (dilate, radius > 0) or min (erode, radius < 0) over a disc. */
function morphology(image: Uint8Array, side: number, radius: number): Uint8Array {
  const r = Math.abs(radius);
  const offsets: Array<[number, number]> = [];
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (dx * dx + dy * dy <= r * r) offsets.push([dx, dy]);
  const out = new Uint8Array(image.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let value = radius > 0 ? 0 : 255;
      for (const [dx, dy] of offsets) {
        const xx = x + dx;
        const yy = y + dy;
        const v = xx < 0 || yy < 0 || xx >= side || yy >= side ? 0 : image[yy * side + xx];
        value = radius > 0 ? Math.max(value, v) : Math.min(value, v);
      }
      out[y * side + x] = value;
    }
  }
  return out;
}

/** A white canvas with the page's pen (anti-aliased discs) along the given points, as the page's PNG. */
export async function penDrawing(points: Array<[number, number]>, side = CANVAS_SIDE, pen = PEN_WIDTH): Promise<Buffer> {
  const ink = new Float32Array(side * side);
  const radius = pen / 2;
  for (const [cx, cy] of points) {
    for (let y = Math.max(0, Math.floor(cy - radius - 1)); y <= Math.min(side - 1, Math.ceil(cy + radius + 1)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius - 1)); x <= Math.min(side - 1, Math.ceil(cx + radius + 1)); x++) {
        const coverage = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
        if (coverage > ink[y * side + x]) ink[y * side + x] = coverage;
      }
    }
  }
  // The page's pen is #111 on white.
  const data = Uint8Array.from(ink, (c) => Math.round(255 - c * (255 - 17)));
  return gray(data, side, side).png().toBuffer();
}

/** Points every `step` px along a polyline. */
export function along(polyline: Array<[number, number]>, step = 2): Array<[number, number]> {
  const out: Array<[number, number]> = [polyline[0]];
  for (let k = 1; k < polyline.length; k++) {
    const [x0, y0] = polyline[k - 1];
    const [x1, y1] = polyline[k];
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let j = 1; j <= n; j++) out.push([x0 + ((x1 - x0) * j) / n, y0 + ((y1 - y0) * j) / n]);
  }
  return out;
}

/**
 * The character as a person would draw it on the page's canvas: its centre lines (at 4x)
 * traced into strokes, scaled and placed so that, drawn with the page's pen, its longer side
 * spans `fraction` of the canvas. Canvas pixels, as the page sends them.
 */
export async function penStrokes(pixels: Uint8Array, fraction: number, seed: number): Promise<Array<Array<[number, number]>>> {
  const random = seededRandom(seed);
  const lines = await centreLines(pixels);
  if (lines.length === 0) return [[[CANVAS_SIDE / 2, CANVAS_SIDE / 2]]];
  const all = lines.flat();
  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
  // The pen's width is added around the centre lines: the drawing's outer size is `fraction` of the canvas.
  const target = Math.max(1, fraction * CANVAS_SIDE - PEN_WIDTH);
  const scale = target / Math.max(x1 - x0, y1 - y0, 1);
  const [w, h] = [(x1 - x0) * scale, (y1 - y0) * scale];
  const left = PEN_WIDTH / 2 + random() * Math.max(0, CANVAS_SIDE - PEN_WIDTH - w);
  const top = PEN_WIDTH / 2 + random() * Math.max(0, CANVAS_SIDE - PEN_WIDTH - h);
  return lines.map((line) => line.map(([x, y]): [number, number] => [left + (x - x0) * scale, top + (y - y0) * scale]));
}

/** Ink on light, slightly tinted paper, photographed: light falling off by `gradient` across the page in a random direction, sensor noise, blur, JPEG 70. */
async function photo(pixels: Uint8Array, gradient: number, random: () => number): Promise<Buffer> {
  const width = 480;
  const height = 640;
  const charSide = 240 + Math.floor(random() * 120);
  const ink = await upscaled(pixels, charSide);
  const left = Math.floor(random() * (width - charSide));
  const top = 100 + Math.floor(random() * (height - charSide - 200));
  const angle = random() * 2 * Math.PI;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const paper = [236, 229, 214];
  const rgb = new Uint8Array(width * height * 3);
  const extent = Math.abs(dx) * width + Math.abs(dy) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // 0 at the brightest corner, 1 at the darkest.
      const t = ((dx >= 0 ? x : width - x) * Math.abs(dx) + (dy >= 0 ? y : height - y) * Math.abs(dy)) / extent;
      const light = 1 - gradient * t;
      const cx = x - left;
      const cy = y - top;
      const stroke = cx >= 0 && cy >= 0 && cx < charSide && cy < charSide ? ink[cy * charSide + cx] / 255 : 0;
      for (let c = 0; c < 3; c++) {
        const noise = (random() + random() + random() - 1.5) * 8;
        rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(paper[c] * light * (1 - 0.82 * stroke) + noise)));
      }
    }
  }
  return sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
    .blur(1.2)
    .jpeg({ quality: 70 })
    .toBuffer();
}

/** One KMNIST image (784 bytes, white on black) as the variant would arrive at the API. */
export async function renderVariant(pixels: Uint8Array, variant: Variant, seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  switch (variant.kind) {
    case "png":
      return gray(inverted(await upscaled(pixels, variant.side)), variant.side, variant.side)
        .png()
        .toBuffer();
    case "photo":
      return photo(pixels, variant.gradient, random);
    case "rotated":
      return gray(inverted(await upscaled(pixels, CANVAS_SIDE)), CANVAS_SIDE, CANVAS_SIDE)
        .rotate(variant.degrees, { background: "#ffffff" })
        .flatten({ background: "#ffffff" })
        .png()
        .toBuffer();
    case "stroke": {
      const side = 112;
      const changed = morphology(await upscaled(pixels, side), side, variant.radius);
      return gray(inverted(changed), side, side).resize(CANVAS_SIDE, CANVAS_SIDE, { kernel: "cubic" }).png().toBuffer();
    }
    case "pen":
      return penDrawing((await penStrokes(pixels, variant.fraction, seed)).flatMap((line) => along(line, 1)));
  }
}

export type NonCharacterKind = "dot" | "tick" | "scribble" | "blob" | "noise";
export const NON_CHARACTER_KINDS: NonCharacterKind[] = ["dot", "tick", "scribble", "blob", "noise"];

/** The strokes of a non-character drawn on the page (dot, tick, scribble), in canvas pixels; null for the kinds that are images only. */
export function nonCharacterStrokes(kind: NonCharacterKind, seed: number): Array<Array<[number, number]>> | null {
  const random = seededRandom(seed);
  const at = (margin: number): [number, number] => [margin + random() * (CANVAS_SIDE - 2 * margin), margin + random() * (CANVAS_SIDE - 2 * margin)];
  switch (kind) {
    case "dot":
      return [[at(PEN_WIDTH)]];
    case "tick": {
      const [x, y] = at(60);
      const length = 10 + random() * 40;
      const angle = random() * Math.PI * 2;
      return [
        [
          [x, y],
          [x + Math.cos(angle) * length, y + Math.sin(angle) * length],
        ],
      ];
    }
    case "scribble": {
      // Back and forth over most of the canvas: a crossed-out area, not strokes.
      const line: Array<[number, number]> = [];
      const rows = 8 + Math.floor(random() * 8);
      const [left, right] = [20 + random() * 40, 220 + random() * 40];
      for (let k = 0; k < rows; k++) {
        const y = 30 + (k * 220) / rows + random() * 10;
        line.push(k % 2 ? [left, y] : [right, y]);
      }
      return [line];
    }
    default:
      return null;
  }
}

/** Something a person might send that is not a character: a tap, a short tick, a dense scribble, a filled blob, or a noisy photo of nothing. */
export async function nonCharacter(kind: NonCharacterKind, seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  const drawn = nonCharacterStrokes(kind, seed);
  if (drawn) return penDrawing(drawn.flatMap((line) => along(line)));
  const at = (margin: number): [number, number] => [margin + random() * (CANVAS_SIDE - 2 * margin), margin + random() * (CANVAS_SIDE - 2 * margin)];
  switch (kind) {
    case "blob": {
      const [cx, cy] = at(90);
      const [rx, ry] = [50 + random() * 40, 50 + random() * 40];
      const data = new Uint8Array(CANVAS_SIDE * CANVAS_SIDE).fill(255);
      for (let y = 0; y < CANVAS_SIDE; y++)
        for (let x = 0; x < CANVAS_SIDE; x++) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) data[y * CANVAS_SIDE + x] = 17;
      return gray(data, CANVAS_SIDE, CANVAS_SIDE).png().toBuffer();
    }
    default: {
      // "noise": a photo of nothing.
      const side = 320;
      const data = Uint8Array.from({ length: side * side }, () => Math.round(128 + (random() - 0.5) * 255 * random()));
      return gray(data, side, side).jpeg({ quality: 80 }).toBuffer();
    }
  }
}
