import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { mlRuntime, type Tf } from "./backend";

let tf: Tf;

beforeAll(async () => {
  ({ tf } = await mlRuntime("wasm"));
});

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: "same" | "valid";
}

const cases: Case[] = [
  { name: "3x3 same, 1→8 channels", x: [4, 28, 28, 1], filter: [3, 3, 1, 8], strides: 1, pad: "same" },
  { name: "3x3 valid, 3→5 channels", x: [2, 12, 12, 3], filter: [3, 3, 3, 5], strides: 1, pad: "valid" },
  { name: "4x4 same (asymmetric padding)", x: [2, 10, 9, 3], filter: [4, 4, 3, 2], strides: 1, pad: "same" },
  { name: "5x5 same, stride 2", x: [3, 15, 15, 4], filter: [5, 5, 4, 6], strides: 2, pad: "same" },
  { name: "4x4 valid, stride 3 (input rows unused)", x: [2, 14, 13, 2], filter: [4, 4, 2, 3], strides: 3, pad: "valid" },
  { name: "2x3 same, non-square stride", x: [2, 9, 11, 3], filter: [2, 3, 3, 4], strides: [2, 1], pad: "same" },
  { name: "1x1 valid", x: [5, 7, 7, 6], filter: [1, 1, 6, 2], strides: 1, pad: "valid" },
];

/** Gradients of Σ(conv2d(x, filter) · weights) with respect to x and filter, on one backend. */
async function gradients(backend: "cpu" | "wasm", c: Case, seed: number): Promise<{ dx: Float32Array; dw: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, "float32", seed);
    const filter = tf.randomNormal(c.filter, 0, 1, "float32", seed + 1);
    const loss = (xx: Tensor, ff: Tensor) => {
      const y = tf.conv2d(xx as Tensor4D, ff as Tensor4D, c.strides, c.pad);
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, "float32", seed + 2)));
    };
    const [dx, dw] = tf.grads(loss)([x, filter]);
    expect(dx.shape).toEqual(c.x);
    expect(dw.shape).toEqual(c.filter);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function relativeError(expected: Float32Array, actual: Float32Array): number {
  let maxDiff = 0;
  let maxAbs = 0;
  for (let k = 0; k < expected.length; k++) {
    maxDiff = Math.max(maxDiff, Math.abs(expected[k] - actual[k]));
    maxAbs = Math.max(maxAbs, Math.abs(expected[k]));
  }
  expect(maxAbs).toBeGreaterThan(0);
  return maxDiff / maxAbs;
}

describe("wasm convolution gradients", () => {
  it("registers Conv2DBackpropFilter for wasm and replaces its Conv2DBackpropInput", () => {
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    expect((tf.getKernel("Conv2DBackpropInput", "wasm")?.kernelFunc as { kanaLab?: boolean }).kanaLab).toBe(true);
    expect(tf.getKernel("Conv2DBackpropFilter", "cpu")?.kernelFunc).not.toBe(tf.getKernel("Conv2DBackpropFilter", "wasm")?.kernelFunc);
  });

  for (const [i, c] of cases.entries()) {
    it(`match the cpu backend: ${c.name}`, async () => {
      const expected = await gradients("cpu", c, 100 + i);
      const actual = await gradients("wasm", c, 100 + i);
      expect(relativeError(expected.dw, actual.dw)).toBeLessThan(1e-4);
      expect(relativeError(expected.dx, actual.dx)).toBeLessThan(1e-4);
    });
  }

  it("do not leak tensors", async () => {
    await tf.setBackend("wasm");
    await gradients("wasm", cases[3], 7);
    const before = tf.memory().numTensors;
    await gradients("wasm", cases[2], 7);
    await gradients("wasm", cases[3], 7);
    expect(tf.memory().numTensors).toBe(before);
  });
});
