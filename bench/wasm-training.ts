/**
 * Measures the wasm backend's convolution gradients (bundled vs Kana Lab's kernels) and
 * CNN training throughput by width. `npm run bench -- wasm-training`
 */
import type * as tfjs from "@tensorflow/tfjs";
import { buildCnn, mlRuntime } from "@/lib/ml";
import { medianMs, printTable, writeResults } from "./lib";

const { tf, detail } = await mlRuntime("wasm");
console.log(`backend: ${detail}\n`);

const batch = 64;
type Shape4 = [number, number, number, number];
const shapes: Array<{ name: string; x: Shape4; w: Shape4 }> = [
  { name: "28x28, 16→16", x: [batch, 28, 28, 16], w: [3, 3, 16, 16] },
  { name: "28x28, 32→32", x: [batch, 28, 28, 32], w: [3, 3, 32, 32] },
  { name: "14x14, 64→64", x: [batch, 14, 14, 64], w: [3, 3, 64, 64] },
];

type KernelFn = (args: { inputs: object; backend: unknown; attrs: object }) => tfjs.TensorInfo;
const ours = tf.getKernel("Conv2DBackpropInput", "wasm")!.kernelFunc as unknown as KernelFn & { bundled: KernelFn };
const backend = tf.backend() as unknown as { disposeData(id: object): void; readSync(id: object): unknown };

const kernelRows = [];
for (const s of shapes) {
  const x = tf.randomNormal(s.x) as tfjs.Tensor4D;
  const dy = tf.randomNormal(s.x) as tfjs.Tensor4D;
  const w = tf.randomNormal(s.w) as tfjs.Tensor4D;
  const attrs = { strides: [1, 1], pad: "same", dataFormat: "NHWC", inputShape: s.x, dimRoundingMode: undefined };
  const runInput = (fn: KernelFn) => () => {
    const out = fn({ inputs: { dy, filter: w }, backend, attrs });
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
  };
  const forward = await medianMs(() => tf.tidy(() => void tf.conv2d(x, w, 1, "same").dataSync()));
  const bundledInput = await medianMs(runInput(ours.bundled), 3);
  const oursInput = await medianMs(runInput(ours));
  const filterGrad = await medianMs(() =>
    tf.tidy(
      () =>
        void (
          tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
            strides: [1, 1],
            pad: "same",
            dataFormat: "NHWC",
            filterShape: s.w,
          } as unknown as tfjs.NamedAttrMap) as tfjs.Tensor
        ).dataSync(),
    ),
  );
  kernelRows.push({
    "shape (batch 64)": s.name,
    "forward ms": forward,
    "dx bundled ms": bundledInput,
    "dx ours ms": oursInput,
    "dx speed-up": bundledInput / oursInput,
    "dW ours ms": filterGrad,
    "dW / forward": filterGrad / forward,
  });
  tf.dispose([x, dy, w]);
}
printTable(kernelRows);

const trainingRows = [];
for (const filters of [8, 16, 32]) {
  const model = buildCnn(tf, { filters, denseUnits: 128, dropout: 0.3, batchNorm: false, seed: 1 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const xs = tf.randomUniform([batch, 28, 28, 1]);
  const ys = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32") as tfjs.Tensor1D, 10).toFloat();
  const stepMs = await medianMs(() => model.trainOnBatch(xs, ys), 5);
  const big = tf.randomUniform([1000, 28, 28, 1]);
  const inferMs = await medianMs(() => tf.tidy(() => void (model.predict(big) as tfjs.Tensor).dataSync()), 3);
  trainingRows.push({
    filters,
    params: model.countParams(),
    "train img/s": (batch / stepMs) * 1000,
    "epoch of 8,000 (s)": (8000 / batch) * (stepMs / 1000),
    "infer img/s (batch 1000)": (1000 / inferMs) * 1000,
  });
  tf.dispose([xs, ys, big]);
  model.dispose();
}
console.log();
printTable(trainingRows);
console.log(`\nwrote ${writeResults("wasm-training", { backend: detail, kernels: kernelRows, training: trainingRows })}`);
