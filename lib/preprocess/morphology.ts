/**
 * The few image operations the preprocessing needs beyond what libvips offers: an exact
 * Euclidean distance transform and square max/min filters, on one-byte or float images.
 */

const FAR = 1e20;

/** Felzenszwalb & Huttenlocher's 1-D squared distance transform of `f` (length n) into `d`. */
function squaredDistance1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/**
 * For every pixel, the exact Euclidean distance to the nearest pixel with `mask[i] === 0`
 * (0 for those themselves). Pixels outside the image count as 0 when `outsideIsZero`, so a
 * stroke touching the border still has a finite width.
 */
export function distanceToZero(mask: Uint8Array, width: number, height: number, outsideIsZero = true): Float32Array {
  const pad = outsideIsZero ? 1 : 0;
  const w = width + 2 * pad;
  const h = height + 2 * pad;
  const grid = new Float64Array(w * h).fill(outsideIsZero ? 0 : FAR);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) grid[(y + pad) * w + x + pad] = mask[y * width + x] === 0 ? 0 : FAR;
  const n = Math.max(w, h);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = grid[y * w + x];
    squaredDistance1d(f, h, d, v, z);
    for (let y = 0; y < h; y++) grid[y * w + x] = d[y];
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) f[x] = grid[y * w + x];
    squaredDistance1d(f, w, d, v, z);
    for (let x = 0; x < w; x++) grid[y * w + x] = d[x];
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = Math.sqrt(grid[(y + pad) * w + x + pad]);
  return out;
}

/** Max (`take = Math.max`) or min over a (2r+1)-square window, separable, clamped at the borders. */
export function squareFilter(image: Float32Array, width: number, height: number, radius: number, take: (a: number, b: number) => number): Float32Array {
  const rows = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = image[y * width + x];
      for (let dx = Math.max(0, x - radius); dx <= Math.min(width - 1, x + radius); dx++) value = take(value, image[y * width + dx]);
      rows[y * width + x] = value;
    }
  }
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = rows[y * width + x];
      for (let dy = Math.max(0, y - radius); dy <= Math.min(height - 1, y + radius); dy++) value = take(value, rows[dy * width + x]);
      out[y * width + x] = value;
    }
  }
  return out;
}

/** Mean over a (2r+1)-square window, clamped at the borders (running sums: O(1) per pixel). */
export function boxBlur(image: Float32Array, width: number, height: number, radius: number): Float32Array {
  const pass = (input: Float32Array, along: number, across: number, index: (a: number, b: number) => number) => {
    const out = new Float32Array(input.length);
    for (let b = 0; b < across; b++) {
      let sum = 0;
      let count = 0;
      for (let a = 0; a < Math.min(along, radius + 1); a++) {
        sum += input[index(a, b)];
        count++;
      }
      for (let a = 0; a < along; a++) {
        out[index(a, b)] = sum / count;
        const enter = a + radius + 1;
        const leave = a - radius;
        if (enter < along) {
          sum += input[index(enter, b)];
          count++;
        }
        if (leave >= 0) {
          sum -= input[index(leave, b)];
          count--;
        }
      }
    }
    return out;
  };
  const horizontal = pass(image, width, height, (x, y) => y * width + x);
  return pass(horizontal, height, width, (y, x) => y * width + x);
}
