import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { encodeIdx, IdxFormatError, parseIdx } from "./idx";

const small = encodeIdx([2, 2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));

describe("parseIdx", () => {
  it("reads dimensions and data, plain or gzip", () => {
    for (const raw of [small, gzipSync(small)]) {
      const parsed = parseIdx(raw);
      expect(parsed.dims).toEqual([2, 2, 3]);
      expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
  });

  it("reads the official KMNIST test files", () => {
    const images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz")));
    const labels = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-labels-idx1-ubyte.gz")));
    expect(images.dims).toEqual([10000, 28, 28]);
    expect(labels.dims).toEqual([10000]);
    expect(Math.max(...labels.data)).toBe(9);
  });

  it.each([
    ["truncated data", small.subarray(0, small.length - 1), /truncated: header promises 12 values/],
    ["truncated header", small.subarray(0, 9), /header is truncated/],
    ["empty", new Uint8Array(0), /too short/],
    ["trailing bytes", Buffer.concat([small, Buffer.from([0])]), /unexpected trailing bytes/],
    ["bad magic", Buffer.from([1, 0, 8, 1, 0, 0, 0, 0]), /magic number/],
    ["float element type", Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /element type 0x0d/],
    ["zero dimensions", Buffer.from([0, 0, 8, 0]), /0 dimensions/],
    ["truncated gzip", gzipSync(small).subarray(0, 20), /gzip stream is corrupt or truncated/],
    ["corrupt gzip", Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(30, 0xff)]), /gzip stream is corrupt/],
  ])("rejects %s with a clear error", (_name, raw, message) => {
    expect(() => parseIdx(raw, "sample.idx")).toThrow(IdxFormatError);
    expect(() => parseIdx(raw, "sample.idx")).toThrow(message);
    expect(() => parseIdx(raw, "sample.idx")).toThrow(/^sample\.idx: /);
  });
});
