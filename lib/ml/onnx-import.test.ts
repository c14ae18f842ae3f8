import fs from "node:fs";
import path from "node:path";
import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { inspectOnnx, OnnxImportError, preprocessingOfOnnxSpec } from "./onnx-import";
import { loadOnnxClassifier } from "./onnx-runtime";

/** Static inspection and the runtime's conversions, on the foreign-framework fixtures (no database). */
const { onnx } = onnxProto;
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(process.cwd(), "lib/ml/fixtures/foreign", name)));
const SKLEARN = preprocessingOfOnnxSpec({ layout: "flat", scale: "0-255", polarity: "black-on-white", output: "probabilities" });

function images(count: number): Float32Array {
  const pixels = new Float32Array(count * 784);
  for (let k = 0; k < count; k++) for (let y = 4 + k; y < 24; y++) for (let x = 10; x < 10 + 2 * k + 2; x++) pixels[k * 784 + y * 28 + x] = 1;
  return pixels;
}

describe("inspectOnnx", () => {
  it("reads the fixtures' signatures", () => {
    expect(inspectOnnx(fixture("torch-cnn.onnx"), "1x28x28")).toMatchObject({ inputName: "image", outputName: "logits", fixedBatch: null, opset: 17 });
    expect(inspectOnnx(fixture("torch-cnn.onnx"), "1x28x28").producer).toMatch(/^pytorch /);
    expect(inspectOnnx(fixture("sklearn-logreg.onnx"), "784")).toMatchObject({ inputName: "pixels", outputName: "probabilities", nodes: 3, opset: 13 });
  });

  it("refuses subgraphs nested too deep, naming the limit", () => {
    const model = onnx.ModelProto.decode(fixture("sklearn-logreg.onnx"));
    let body = onnx.GraphProto.create({ name: "leaf", node: [onnx.NodeProto.create({ opType: "Identity", input: ["x"], output: ["y"] })] });
    for (let depth = 0; depth < 6; depth++) {
      const branch = onnx.AttributeProto.create({ name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: body });
      body = onnx.GraphProto.create({
        name: `level-${depth}`,
        node: [onnx.NodeProto.create({ opType: "If", input: ["c"], output: ["y"], attribute: [branch] })],
      });
    }
    model.graph!.node!.push(...body.node!);
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(() => inspectOnnx(bytes, "784")).toThrow(OnnxImportError);
    expect(() => inspectOnnx(bytes, "784")).toThrow(/nest deeper than 4/);
  });
});

describe("loadOnnxClassifier conversions", () => {
  it("runs a model exported with a fixed batch of 1 one image at a time, with the same answers", async () => {
    const model = onnx.ModelProto.decode(fixture("sklearn-logreg.onnx"));
    for (const value of [...model.graph!.input!, ...model.graph!.output!])
      value.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
    const fixedBatch = onnx.ModelProto.encode(model).finish();
    expect(inspectOnnx(fixedBatch, "784").fixedBatch).toBe(1);
    const dynamic = await loadOnnxClassifier(fixture("sklearn-logreg.onnx"), { intraOpNumThreads: 1 }, SKLEARN);
    const fixed = await loadOnnxClassifier(fixedBatch, { intraOpNumThreads: 1 }, SKLEARN);
    try {
      const batch = images(5);
      expect(Array.from(await fixed.predictProba(batch, 5))).toEqual(Array.from(await dynamic.predictProba(batch, 5)));
    } finally {
      await dynamic.release();
      await fixed.release();
    }
  });

  it("puts each output under the class its label names", async () => {
    const reversed = { ...SKLEARN, labels: SKLEARN.labels.map((_, k) => SKLEARN.labels[9 - k]) };
    const plain = await loadOnnxClassifier(fixture("sklearn-logreg.onnx"), { intraOpNumThreads: 1 }, SKLEARN);
    const permuted = await loadOnnxClassifier(fixture("sklearn-logreg.onnx"), { intraOpNumThreads: 1 }, reversed);
    try {
      const batch = images(3);
      const a = await plain.predictProba(batch, 3);
      const b = await permuted.predictProba(batch, 3);
      for (let k = 0; k < 3; k++) for (let c = 0; c < 10; c++) expect(b[k * 10 + c]).toBe(a[k * 10 + (9 - c)]);
    } finally {
      await plain.release();
      await permuted.release();
    }
  });

  it("turns logits into probabilities (softmax) for a model that declares them", async () => {
    const cnn = await loadOnnxClassifier(
      fixture("torch-cnn.onnx"),
      { intraOpNumThreads: 1 },
      preprocessingOfOnnxSpec({ layout: "nchw", scale: "0-1", polarity: "white-on-black", output: "logits" }),
    );
    try {
      const out = await cnn.predictProba(images(4), 4);
      for (let k = 0; k < 4; k++) {
        const row = out.subarray(k * 10, (k + 1) * 10);
        expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
        expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
      }
    } finally {
      await cnn.release();
    }
  });
});
