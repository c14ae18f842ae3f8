import { deflateSync } from "node:zlib";
import sharp from "sharp";

/** A KMNIST image (784 bytes) as a PNG, optionally upscaled with nearest-neighbour. */
export async function kmnistPng(pixels: Uint8Array, size = 28): Promise<Buffer> {
  const png = await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toBuffer();
  return size === 28 ? png : sharp(png).resize(size, size, { kernel: "nearest" }).png().toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A well-formed PNG header claiming `width` x `height` (grayscale), with a tiny data stream:
 * the shape of a decompression bomb without the bytes.
 */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(width + 1))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Deterministic pseudo-random bytes. */
export function randomBytesSeeded(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/**
 * A KMNIST image re-drawn in another hand: slanted by `slantDegrees` (top to the right) and
 * with strokes thickened by `thicken` pixels (a disc-shaped dilation), at `scale` x the size
 * (bilinear), as a PNG. For tests of how the lab learns a style its models have never seen.
 */
export async function restyledPng(pixels: Uint8Array, { slantDegrees = 15, thicken = 4, scale = 4 } = {}): Promise<Buffer> {
  const side = 28 * scale;
  const shear = Math.tan((slantDegrees * Math.PI) / 180);
  const pad = Math.ceil((shear * side) / 2) + thicken + 2;
  const width = side + 2 * pad;
  const height = side + 2 * (thicken + 2);
  const slanted = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = (y - thicken - 2) / scale - 0.5;
    for (let x = 0; x < width; x++) {
      const sx = (x - pad + shear * (y - height / 2)) / scale - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= 28 || yy >= 28 ? 0 : pixels[yy * 28 + xx]);
      slanted[y * width + x] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  const disc: Array<[number, number]> = [];
  for (let dy = -thicken; dy <= thicken; dy++) for (let dx = -thicken; dx <= thicken; dx++) if (dx * dx + dy * dy <= thicken * thicken) disc.push([dx, dy]);
  const out = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let max = 0;
      for (const [dx, dy] of disc) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < width && yy < height && slanted[yy * width + xx] > max) max = slanted[yy * width + xx];
      }
      out[y * width + x] = Math.round(max);
    }
  }
  return sharp(out, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}
