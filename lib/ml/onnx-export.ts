import onnxProto, { type onnx as Onnx } from "onnx-proto";
import { IMAGE_SIDE } from "@/lib/kmnist";
import { MODEL_JSON, WEIGHTS_BIN } from "./families/tfjs-io";

/** The ONNX form of a tfjs-layers model inside an artifact. */
export const ONNX_FILE = "model.onnx";
export const ONNX_OPSET = 13;
export const ONNX_INPUT = "input";
export const ONNX_OUTPUT = "probabilities";

// onnx-proto is CommonJS: Node's ESM loader sees only its default export.
const { onnx } = onnxProto;

export class OnnxExportError extends Error {
  override name = "OnnxExportError";
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown> & { name: string };
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

type Layout = "NHWC" | "NCHW" | "flat";

/**
 * Writes the ONNX graph (opset 13) of a Sequential tfjs-layers model from its layers and
 * weights: NHWC float input in 0-1 like tfjs, convolutions and pooling in ONNX's NCHW (one
 * transpose in, one back before Flatten so the dense weights keep tfjs's order), dropout
 * dropped (inference), softmax output. Layers without an exact ONNX form are refused by name.
 */
export function layersModelToOnnx(files: Record<string, Uint8Array>, meta: { producerVersion: string; docString?: string }): Uint8Array {
  const modelJson = JSON.parse(Buffer.from(files[MODEL_JSON]).toString("utf8")) as {
    modelTopology: { class_name?: string; config: { layers: LayerJson[] } | LayerJson[] } & {
      model_config?: { class_name: string; config: { layers: LayerJson[] } };
    };
    weightsManifest: Array<{ weights: WeightSpec[] }>;
  };
  const topology = modelJson.modelTopology.model_config ?? modelJson.modelTopology;
  if (topology.class_name !== "Sequential") throw new OnnxExportError(`only Sequential models are exported to ONNX, not ${topology.class_name}`);
  const layers = Array.isArray(topology.config) ? topology.config : topology.config.layers;
  const weights = readWeights(
    modelJson.weightsManifest.flatMap((m) => m.weights),
    files[WEIGHTS_BIN],
  );

  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [];
  let current = ONNX_INPUT;
  // Widened on purpose: the helpers below change it, which TypeScript does not follow.
  let layout = "NHWC" as Layout;
  let counter = 0;
  const next = (hint: string) => `${hint}_${counter++}`;
  const add = (opType: string, inputs: string[], attributes: Onnx.IAttributeProto[] = [], hint = opType.toLowerCase()) => {
    const output = next(hint);
    nodes.push({ opType, input: inputs, output: [output], name: output, attribute: attributes });
    current = output;
    return output;
  };
  const constant = (name: string, dims: number[], data: Float32Array) => {
    initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  };
  const toNchw = () => {
    if (layout === "NHWC") add("Transpose", [current], [ints("perm", [0, 3, 1, 2])], "to_nchw");
    layout = "NCHW";
  };
  const activation = (layer: LayerJson) => {
    const name = (layer.config.activation as string | undefined) ?? "linear";
    if (name === "linear") return;
    if (name === "relu") add("Relu", [current]);
    else if (name === "softmax") add("Softmax", [current], [int("axis", -1)]);
    else if (name === "sigmoid") add("Sigmoid", [current]);
    else if (name === "tanh") add("Tanh", [current]);
    else throw new OnnxExportError(`layer ${layer.config.name}: activation ${name} has no ONNX form here`);
  };
  const weight = (layer: LayerJson, suffix: string) => {
    const found = weights.get(`${layer.config.name}/${suffix}`);
    if (!found) throw new OnnxExportError(`layer ${layer.config.name}: weight ${suffix} is missing from the weights manifest`);
    return found;
  };

  for (const layer of layers) {
    const c = layer.config;
    switch (layer.class_name) {
      case "Conv2D": {
        toNchw();
        if (c.data_format && c.data_format !== "channels_last") throw new OnnxExportError(`layer ${c.name}: data_format ${String(c.data_format)}`);
        const kernel = weight(layer, "kernel");
        const [kh, kw, inChannels, outChannels] = kernel.shape;
        const strides = (c.strides as number[] | undefined) ?? [1, 1];
        const dilations = (c.dilation_rate as number[] | number | undefined) ?? [1, 1];
        const dilation = Array.isArray(dilations) ? dilations : [dilations, dilations];
        if (c.padding === "same" && (strides[0] !== 1 || strides[1] !== 1))
          throw new OnnxExportError(`layer ${c.name}: "same" padding with strides is not exported`);
        // TF's "same" puts the odd pixel of padding at the end.
        const pad = (k: number, d: number) => [Math.floor(((k - 1) * d) / 2), (k - 1) * d - Math.floor(((k - 1) * d) / 2)];
        const [ph, pw] =
          c.padding === "same"
            ? [pad(kh, dilation[0]), pad(kw, dilation[1])]
            : [
                [0, 0],
                [0, 0],
              ];
        const inputs = [
          current,
          constant(`${c.name}.weight`, [outChannels, inChannels, kh, kw], transposeKernel(kernel.data, kh, kw, inChannels, outChannels)),
        ];
        if (c.use_bias !== false) inputs.push(constant(`${c.name}.bias`, [outChannels], weight(layer, "bias").data));
        add("Conv", inputs, [
          ints("kernel_shape", [kh, kw]),
          ints("strides", strides),
          ints("dilations", dilation),
          ints("pads", [ph[0], pw[0], ph[1], pw[1]]),
        ]);
        activation(layer);
        break;
      }
      case "BatchNormalization": {
        if (layout === "NHWC") toNchw();
        const axis = (c.axis as number | number[] | undefined) ?? -1;
        if (![-1, 3, 1].includes(Array.isArray(axis) ? axis[0] : axis)) throw new OnnxExportError(`layer ${c.name}: normalisation over axis ${String(axis)}`);
        const gamma = c.scale === false ? null : weight(layer, "gamma");
        const beta = c.center === false ? null : weight(layer, "beta");
        const mean = weight(layer, "moving_mean");
        const variance = weight(layer, "moving_variance");
        const n = mean.data.length;
        add(
          "BatchNormalization",
          [
            current,
            constant(`${c.name}.scale`, [n], gamma?.data ?? new Float32Array(n).fill(1)),
            constant(`${c.name}.bias`, [n], beta?.data ?? new Float32Array(n)),
            constant(`${c.name}.mean`, [n], mean.data),
            constant(`${c.name}.var`, [n], variance.data),
          ],
          [float("epsilon", (c.epsilon as number | undefined) ?? 1e-3)],
        );
        break;
      }
      case "ReLU":
        if (c.max_value != null || (c.negative_slope as number | undefined))
          throw new OnnxExportError(`layer ${c.name}: a capped or leaky ReLU is not exported`);
        add("Relu", [current]);
        break;
      case "Activation":
        activation(layer);
        break;
      case "MaxPooling2D":
      case "AveragePooling2D": {
        toNchw();
        const pool = (c.pool_size as number[] | undefined) ?? [2, 2];
        const strides = (c.strides as number[] | null | undefined) ?? pool;
        if (c.padding === "same") throw new OnnxExportError(`layer ${c.name}: "same" padding for pooling is not exported`);
        add(layer.class_name === "MaxPooling2D" ? "MaxPool" : "AveragePool", [current], [ints("kernel_shape", pool), ints("strides", strides)]);
        break;
      }
      case "Flatten":
        // tfjs flattens channels-last: go back to NHWC so the dense kernel's rows line up.
        if (layout === "NCHW") add("Transpose", [current], [ints("perm", [0, 2, 3, 1])], "to_nhwc");
        if (layout !== "flat") add("Flatten", [current], [int("axis", 1)]);
        layout = "flat";
        break;
      case "Dropout":
        break;
      case "Dense": {
        if (layout !== "flat") throw new OnnxExportError(`layer ${c.name}: a dense layer on a ${layout} tensor is not exported (flatten first)`);
        const kernel = weight(layer, "kernel");
        const inputs = [current, constant(`${c.name}.weight`, kernel.shape, kernel.data)];
        if (c.use_bias !== false) inputs.push(constant(`${c.name}.bias`, [kernel.shape[1]], weight(layer, "bias").data));
        add("Gemm", inputs);
        activation(layer);
        break;
      }
      default:
        throw new OnnxExportError(`layer ${c.name} (${layer.class_name}) has no ONNX form here`);
    }
  }
  if (layout !== "flat") throw new OnnxExportError("the model does not end in a flat class vector");
  // The graph's output has a stable name.
  nodes[nodes.length - 1].output = [ONNX_OUTPUT];

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "kana-lab",
    producerVersion: meta.producerVersion,
    docString: meta.docString ?? "",
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    graph: {
      name: "kana-lab",
      node: nodes,
      initializer: initializers,
      input: [valueInfo(ONNX_INPUT, ["batch", IMAGE_SIDE, IMAGE_SIDE, 1])],
      output: [valueInfo(ONNX_OUTPUT, ["batch", lastUnits(layers)])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function readWeights(specs: WeightSpec[], bin: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== "float32") throw new OnnxExportError(`weight ${spec.name} is ${spec.dtype}; only float32 weights are exported`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + count * 4 > bin.byteLength) throw new OnnxExportError(`weights.bin is shorter than its manifest (at ${spec.name})`);
    // Copied: the source bytes need not be 4-byte aligned.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bin.subarray(offset, offset + count * 4));
    weights.set(spec.name, { shape: spec.shape, data });
    offset += count * 4;
  }
  return weights;
}

/** tfjs [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function transposeKernel(data: Float32Array, kh: number, kw: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) out[((o * inC + i) * kh + y) * kw + x] = data[((y * kw + x) * inC + i) * outC + o];
  return out;
}

function lastUnits(layers: LayerJson[]): number {
  const dense = [...layers].reverse().find((l) => l.class_name === "Dense");
  return (dense?.config.units as number | undefined) ?? 10;
}

function valueInfo(name: string, shape: Array<string | number>): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

const ints = (name: string, values: number[]): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const float = (name: string, value: number): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value });
