import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseIdx } from "@/lib/data";
import { KMNIST_TEST_DIR } from "@/lib/testing/database";
import { inkShape, skeleton, skeletonPolylines, strokeRendition } from ".";

describe("centre lines", () => {
  it("thins a bar to a one-pixel line traced as one long stroke (short spurs at its ends); a ring mostly as one loop", () => {
    const side = 40;
    const bar = new Uint8Array(side * side);
    for (let y = 5; y < 35; y++) for (let x = 15; x < 22; x++) bar[y * side + x] = 1;
    const thin = skeleton(bar, side, side);
    for (let y = 10; y < 30; y++) expect(Array.from(thin.subarray(y * side, (y + 1) * side)).reduce((a, b) => a + b, 0)).toBe(1);
    const lines = skeletonPolylines(thin, side, side);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThanOrEqual(20);
    expect(lines.reduce((n, l) => n + l.length, 0)).toBe(thin.reduce((a, b) => a + b, 0));
    const ring = new Uint8Array(side * side);
    for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (Math.abs(Math.hypot(x - 20, y - 20) - 12) <= 2) ring[y * side + x] = 1;
    const ringLine = skeleton(ring, side, side);
    const loops = skeletonPolylines(ringLine, side, side);
    // Every centre-line pixel is drawn once; 8-connected staircases leave a few short pieces.
    expect(loops.reduce((n, l) => n + l.length, 0)).toBe(ringLine.reduce((a, b) => a + b, 0));
    expect(Math.max(...loops.map((l) => l.length))).toBeGreaterThan(50);
  });

  it("redraws KMNIST characters at KMNIST's median stroke width", async () => {
    const images = parseIdx(fs.readFileSync(path.join(KMNIST_TEST_DIR, "t10k-images-idx3-ubyte.gz"))).data;
    const widths: number[] = [];
    for (let i = 0; i < 40; i++) widths.push(inkShape((await strokeRendition(images.subarray(i * 784, (i + 1) * 784)))!).strokeWidth);
    widths.sort((a, b) => a - b);
    expect(widths[20]).toBeGreaterThan(2.3);
    expect(widths[20]).toBeLessThan(3.0);
    expect(await strokeRendition(new Uint8Array(784))).toBeNull();
  });
});
