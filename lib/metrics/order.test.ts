import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/random";
import { ascendingOrder } from "./order";

const comparatorOrder = (values: ArrayLike<number>) => Uint32Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);

describe("ascendingOrder (radix sort on IEEE 754 bits)", () => {
  it("orders float32 probabilities, doubles, negatives and ties as a stable comparator sort does", () => {
    const random = seededRandom(11);
    const probabilities = Float32Array.from({ length: 5000 }, () => random() ** 4);
    const doubles = Float64Array.from({ length: 3000 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6));
    const ties = Float64Array.from({ length: 2000 }, () => Math.round(random() * 8) / 4 - 1);
    const special = [3, -0, 0, -1e-300, 1e300, -Infinity, Infinity, 5e-324, -2, 2, 0, -0];
    for (const values of [probabilities, doubles, ties, special]) {
      expect(Array.from(ascendingOrder(values.length, (i) => values[i]))).toEqual(Array.from(comparatorOrder(values)));
    }
  });

  it("handles nothing and one value", () => {
    expect(Array.from(ascendingOrder(0, () => 0))).toEqual([]);
    expect(Array.from(ascendingOrder(1, () => 0.5))).toEqual([0]);
  });
});
