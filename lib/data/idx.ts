import { gunzipSync } from "node:zlib";

/**
 * Reader for the IDX format used by MNIST-family datasets:
 * magic (0x00 0x00, type byte, number of dimensions), then one big-endian uint32 per
 * dimension, then the data. Only unsigned bytes (type 0x08) occur in KMNIST.
 */

export class IdxFormatError extends Error {
  constructor(
    public readonly file: string,
    reason: string,
  ) {
    super(`${file}: not a valid IDX file: ${reason}`);
    this.name = "IdxFormatError";
  }
}

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

function isGzip(buffer: Uint8Array) {
  return buffer.length >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Parses an IDX file, gzip-compressed or not. `file` only names it in errors. */
export function parseIdx(raw: Uint8Array, file = "IDX data"): IdxArray {
  let buffer: Buffer;
  try {
    buffer = isGzip(raw) ? gunzipSync(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch (error) {
    throw new IdxFormatError(file, `gzip stream is corrupt or truncated (${(error as Error).message})`);
  }
  if (buffer.length < 4) throw new IdxFormatError(file, `only ${buffer.length} bytes, too short for a header`);
  if (buffer[0] !== 0 || buffer[1] !== 0) throw new IdxFormatError(file, "magic number must start with two zero bytes");
  const type = buffer[2];
  if (type !== UNSIGNED_BYTE) {
    throw new IdxFormatError(file, `element type 0x${type.toString(16).padStart(2, "0")} is not supported (only 0x08, unsigned byte)`);
  }
  const rank = buffer[3];
  if (rank < 1 || rank > 4) throw new IdxFormatError(file, `${rank} dimensions; expected 1 to 4`);
  const headerBytes = 4 + 4 * rank;
  if (buffer.length < headerBytes) throw new IdxFormatError(file, "header is truncated");
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buffer.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buffer.length - headerBytes;
  if (actual < expected) {
    throw new IdxFormatError(file, `truncated: header promises ${expected} values (${dims.join("x")}) but only ${actual} bytes follow`);
  }
  if (actual > expected) {
    throw new IdxFormatError(file, `${actual - expected} unexpected trailing bytes after ${dims.join("x")} values`);
  }
  return { dims, data: new Uint8Array(buffer.buffer, buffer.byteOffset + headerBytes, expected) };
}

/** Encodes an IDX unsigned-byte array (tests and exports). */
export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = UNSIGNED_BYTE;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}
