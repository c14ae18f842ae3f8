import type * as tfjs from "@tensorflow/tfjs";

type Tf = typeof tfjs;
type TensorInfo = tfjs.TensorInfo;
type KernelFunc = tfjs.KernelFunc;
type Pad = "valid" | "same" | number | tfjs.backend_util.ExplicitPadding;

interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** The subset of the wasm backend these kernels touch. */
interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

/**
 * Convolution gradients for tfjs's wasm backend, written as plain convolutions so that all
 * arithmetic runs in the backend's XNNPACK Conv2D:
 *
 * - `Conv2DBackpropFilter` is missing from the wasm backend (CNNs cannot train there).
 * - the bundled `Conv2DBackpropInput` is a scalar loop, ~10x slower than a forward
 *   convolution; for stride 1 we replace it with a convolution by the flipped filter.
 */
class KernelCalls {
  private readonly temporaries: TensorInfo[] = [];
  constructor(
    private readonly tf: Tf,
    private readonly backend: unknown,
  ) {}

  /** Runs another wasm kernel; its output is freed by `dispose` unless returned via `final`. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
    const out = this.final(name, inputs, attrs);
    this.temporaries.push(out);
    return out;
  }

  final(name: string, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
    const kernel = this.tf.getKernel(name, "wasm");
    if (!kernel) throw new Error(`wasm backend has no ${name} kernel`);
    return kernel.kernelFunc({ inputs, backend: this.backend as tfjs.KernelBackend, attrs: attrs as tfjs.NamedAttrMap }) as TensorInfo;
  }

  dispose() {
    for (const t of this.temporaries) (this.backend as WasmBackendLike).disposeData(t.dataId);
  }
}

function convInfo(tf: Tf, xShape: number[], filterShape: number[], attrs: ConvGradientAttrs) {
  if (attrs.dataFormat === "NCHW") throw new Error("wasm convolution gradients support NHWC only");
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,i,j} x[n, i·s + kh − padTop, j·s + kw − padLeft, ci] · dy[n,i,j,co].
 * With input channels as the batch and the batch as channels, that is a stride-1
 * convolution of xᵀ[Cin,H,W,N] by the filter dyᵀ[Ho,Wo,N,Cout], dilated by the forward
 * stride; its output [Cin,fh,fw,Cout] transposes to dW.
 */
export function createConv2DBackpropFilterKernel(tf: Tf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as ConvGradientAttrs & { filterShape: number[] };
    const info = convInfo(tf, x.shape, a.filterShape, a);
    const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    // Bottom/right padding that makes the result exactly filter-sized. When negative, the
    // forward pass never reached those input rows/columns: crop them instead.
    const padBottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padTop;
    const padRight = filterWidth + (outWidth - 1) * strideWidth - inWidth - padLeft;

    const calls = new KernelCalls(tf, backend);
    try {
      let xT = calls.run("Transpose", { x }, { perm: [3, 1, 2, 0] });
      if (padBottom < 0 || padRight < 0) {
        const [c, h, w, n] = xT.shape;
        xT = calls.run("Slice", { x: xT }, { begin: [0, 0, 0, 0], size: [c, h + Math.min(0, padBottom), w + Math.min(0, padRight), n] });
      }
      const dyT = calls.run("Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
      const grad = calls.run(
        "Conv2D",
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [padTop, Math.max(0, padBottom)],
            [padLeft, Math.max(0, padRight)],
            [0, 0],
          ],
          dataFormat: "NHWC",
          dilations: [strideHeight, strideWidth],
        },
      );
      return calls.final("Transpose", { x: grad }, { perm: [1, 2, 0, 3] });
    } finally {
      calls.dispose();
    }
  };
}

/**
 * For stride 1: dx = conv(dy, W′) with W′[kh,kw,co,ci] = W[fh−1−kh, fw−1−kw, ci, co] and
 * padding (fh−1−padTop, fw−1−padLeft). Strided cases fall back to the bundled kernel.
 */
export function createConv2DBackpropInputKernel(tf: Tf, fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as ConvGradientAttrs & { inputShape: number[] };
    const info = convInfo(tf, a.inputShape, filter.shape, a);
    const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = info;
    const top = filterHeight - 1 - info.padInfo.top;
    const left = filterWidth - 1 - info.padInfo.left;
    const bottom = inHeight - outHeight + filterHeight - 1 - top;
    const right = inWidth - outWidth + filterWidth - 1 - left;
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || Math.min(top, left, bottom, right) < 0) return fallback(args);

    const calls = new KernelCalls(tf, backend);
    try {
      const flipped = calls.run("Reverse", { x: filter }, { dims: [0, 1] });
      const swapped = calls.run("Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
      return calls.final(
        "Conv2D",
        { x: dy, filter: swapped },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dataFormat: "NHWC",
          dilations: [1, 1],
        },
      );
    } finally {
      calls.dispose();
    }
  };
}

/** Registers both kernels for the wasm backend only (other backends have their own). */
export function registerWasmConvGradients(tf: Tf): void {
  if (!tf.getKernel("Conv2DBackpropFilter", "wasm")) {
    tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: createConv2DBackpropFilterKernel(tf) });
  }
  const bundled = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (bundled && !(bundled.kernelFunc as { kanaLab?: boolean }).kanaLab) {
    const kernelFunc = createConv2DBackpropInputKernel(tf, bundled.kernelFunc);
    // Marked so re-registration is a no-op; the bundled kernel stays reachable for benchmarks.
    Object.assign(kernelFunc, { kanaLab: true, bundled: bundled.kernelFunc });
    tf.unregisterKernel("Conv2DBackpropInput", "wasm");
    tf.registerKernel({ ...bundled, kernelFunc });
  }
}
