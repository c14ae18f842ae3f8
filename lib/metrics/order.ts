const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The indices 0..count-1 ordered by `valueAt(i)`, ascending, ties in index order (stable, as
 * `Array.prototype.sort` with `(a, b) => v[a] - v[b]` gives). An LSD radix sort on the values'
 * IEEE 754 bits, one byte at a time, skipping bytes all keys share (a float32 score widened to
 * a double has three zero bytes): a metric sorts n scores per class and n x classes pooled
 * ones, and a comparator sort of those was most of computing the ROC and PR curves.
 */
export function ascendingOrder(count: number, valueAt: (i: number) => number): Uint32Array {
  let order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (!LITTLE_ENDIAN) return order.sort((a, b) => valueAt(a) - valueAt(b));
  const keys = new Float64Array(count);
  // + 0 turns -0 into 0: a comparator sees them equal, so must the bits.
  for (let i = 0; i < count; i++) keys[i] = valueAt(i) + 0;
  const words = new Uint32Array(keys.buffer);
  // Map each double's bits to an unsigned key in numeric order: negatives inverted, positives
  // with the sign bit set (so every positive sorts above every negative).
  for (let i = 0; i < count; i++) {
    const high = words[2 * i + 1];
    if (high & 0x8000_0000) {
      words[2 * i] = ~words[2 * i];
      words[2 * i + 1] = ~high;
    } else words[2 * i + 1] = high | 0x8000_0000;
  }
  let spare = new Uint32Array(count);
  const buckets = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const word = pass < 4 ? 0 : 1;
    const shift = (pass % 4) * 8;
    buckets.fill(0);
    for (let j = 0; j < count; j++) buckets[(words[2 * order[j] + word] >>> shift) & 0xff]++;
    if (buckets.includes(count)) continue;
    for (let b = 0, position = 0; b < 256; b++) {
      const size = buckets[b];
      buckets[b] = position;
      position += size;
    }
    for (let j = 0; j < count; j++) spare[buckets[(words[2 * order[j] + word] >>> shift) & 0xff]++] = order[j];
    [order, spare] = [spare, order];
  }
  return order;
}
