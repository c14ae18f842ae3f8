import { IMAGE_PIXELS } from "@/lib/kmnist";

/**
 * A dataset version's compact, self-describing snapshot:
 * "KSNP" | uint32 version=1 | uint32 count | labels (count bytes) | images (count x 784 bytes).
 */
const MAGIC = "KSNP";
const HEADER_BYTES = 12;

export interface Snapshot {
  count: number;
  labels: Uint8Array;
  images: Uint8Array;
}

export function encodeSnapshot({ count, labels, images }: Snapshot): Buffer {
  if (labels.length !== count || images.length !== count * IMAGE_PIXELS) throw new Error("snapshot sizes do not match its count");
  const out = Buffer.alloc(HEADER_BYTES + count + count * IMAGE_PIXELS);
  out.write(MAGIC, 0, "ascii");
  out.writeUInt32LE(1, 4);
  out.writeUInt32LE(count, 8);
  out.set(labels, HEADER_BYTES);
  out.set(images, HEADER_BYTES + count);
  return out;
}

export function decodeSnapshot(buffer: Uint8Array): Snapshot {
  const b = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (b.length < HEADER_BYTES || b.toString("ascii", 0, 4) !== MAGIC) throw new Error("not a dataset snapshot (bad magic)");
  if (b.readUInt32LE(4) !== 1) throw new Error(`unsupported snapshot format version ${b.readUInt32LE(4)}`);
  const count = b.readUInt32LE(8);
  if (b.length !== HEADER_BYTES + count * (1 + IMAGE_PIXELS)) throw new Error("dataset snapshot is truncated");
  return {
    count,
    labels: b.subarray(HEADER_BYTES, HEADER_BYTES + count),
    images: b.subarray(HEADER_BYTES + count),
  };
}
