import onnxProto, { type onnx as Onnx } from "onnx-proto";
import { z } from "zod";
import { KMNIST_CLASSES, NUM_CLASSES } from "@/lib/kmnist";
import { buildArtifact, type ModelArtifact, type ModelManifest } from "./artifact";
import { ONNX_FILE } from "./onnx-export";

/**
 * Models from other frameworks, brought as an ONNX file with a few facts about their input
 * and output. Everything that can be checked without running the model is checked here,
 * before ONNX Runtime ever sees the bytes: that it parses, uses only standard operators,
 * embeds its weights, declares no absurd tensor, and has the one image input and the ten
 * outputs its metadata promises. Running it on a sample batch is the caller's second step.
 */

// onnx-proto is CommonJS: Node's ESM loader sees only its default export.
const { onnx } = onnxProto;

export const ONNX_IMPORT_LIMITS = {
  /** Nodes in the graph, subgraphs included. The CNN trained here has 12. */
  maxNodes: 5_000,
  /** Elements one declared tensor (initializer or constant) may have: 256 MB of floats. */
  maxTensorElements: 64 * 1024 * 1024,
  /** Elements of all declared tensors together. */
  maxTotalElements: 128 * 1024 * 1024,
  /** Nesting of subgraphs (If, Loop, Scan bodies). */
  maxGraphDepth: 4,
};

/** Operator sets ONNX Runtime implements on the CPU; anything else is a custom operator. */
const STANDARD_DOMAINS = new Set(["", "ai.onnx", "ai.onnx.ml"]);

export type OnnxRejection =
  | "onnx_unreadable"
  | "onnx_custom_op"
  | "onnx_too_many_ops"
  | "onnx_external_data"
  | "onnx_tensor_too_large"
  | "onnx_input_mismatch"
  | "onnx_output_mismatch"
  | "onnx_run_failed";

/** The ONNX file cannot be accepted; `code` names the check it failed. Nothing was stored. */
export class OnnxImportError extends Error {
  override name = "OnnxImportError";
  constructor(
    readonly code: OnnxRejection,
    message: string,
  ) {
    super(message);
  }
}

/** What an uploader declares about an ONNX model (form fields, drop metadata.json). */
export const onnxModelSpecSchema = z
  .object({
    layout: z.enum(["nchw", "nhwc", "flat"]).describe("nchw: [N,1,28,28]; nhwc: [N,28,28,1]; flat: [N,784]"),
    scale: z.enum(["0-1", "0-255"]),
    polarity: z.enum(["white-on-black", "black-on-white"]).describe("white-on-black is KMNIST as stored; black-on-white is ink on paper"),
    output: z.enum(["probabilities", "logits"]).describe("logits get a softmax"),
    labels: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(NUM_CLASSES - 1),
      )
      .length(NUM_CLASSES)
      .refine((l) => new Set(l).size === NUM_CLASSES, "labels must be a permutation of 0-9")
      .optional()
      .describe("The KMNIST class of each output, in output order; default 0-9"),
  })
  .strict();

export type OnnxModelSpec = z.infer<typeof onnxModelSpecSchema>;

const INPUT_OF_LAYOUT = { nchw: "1x28x28", nhwc: "28x28x1", flat: "784" } as const;
export const DIMS_OF_INPUT: Record<ModelManifest["preprocessing"]["input"], number[]> = { "1x28x28": [1, 28, 28], "28x28x1": [28, 28, 1], "784": [784] };

/** The manifest's preprocessing and labels for a spec. */
export function preprocessingOfOnnxSpec(spec: OnnxModelSpec): Pick<ModelManifest, "preprocessing" | "labels"> {
  const order = spec.labels ?? KMNIST_CLASSES.map((c) => c.label);
  return {
    preprocessing: {
      input: INPUT_OF_LAYOUT[spec.layout],
      scale: spec.scale,
      polarity: spec.polarity === "white-on-black" ? "white-ink-on-black" : "black-ink-on-white",
      output: spec.output,
    },
    labels: order.map((label) => ({ label, char: KMNIST_CLASSES[label].char })),
  };
}

/** The facts about an ONNX model that loading and serving it need. */
export interface OnnxSignature {
  inputName: string;
  /** Null when the batch dimension is dynamic; 1 for models exported with a fixed batch of one. */
  fixedBatch: number | null;
  outputName: string;
  opset: number;
  nodes: number;
  producer: string;
}

type Dim = number | null;

function dimsOf(value: Onnx.IValueInfoProto): Dim[] | null {
  const dims = value.type?.tensorType?.shape?.dim;
  if (!dims) return null;
  return dims.map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : null));
}

const show = (dims: Dim[] | null) => (dims ? `[${dims.map((d) => d ?? "?").join(",")}]` : "an unknown shape");

const ELEMENT_BYTES: Partial<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** Checks one graph and its subgraphs; returns how many nodes they hold. */
function checkGraph(graph: Onnx.IGraphProto, depth: number, totals: { elements: number }): number {
  if (depth > ONNX_IMPORT_LIMITS.maxGraphDepth)
    throw new OnnxImportError("onnx_too_many_ops", `subgraphs nest deeper than ${ONNX_IMPORT_LIMITS.maxGraphDepth}`);
  const checkTensor = (tensor: Onnx.ITensorProto, where: string) => {
    const name = tensor.name || where;
    if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (tensor.externalData?.length ?? 0) > 0) {
      const location = tensor.externalData?.find((e) => e.key === "location")?.value ?? "?";
      throw new OnnxImportError(
        "onnx_external_data",
        `tensor "${name}" keeps its data in an external file ("${location}"); embed the weights in the .onnx file (onnx.save(..., save_as_external_data=False))`,
      );
    }
    const elements = (tensor.dims ?? []).reduce<number>((n, d) => n * Math.max(0, Number(d)), 1);
    if (!Number.isFinite(elements) || elements > ONNX_IMPORT_LIMITS.maxTensorElements) {
      throw new OnnxImportError(
        "onnx_tensor_too_large",
        `tensor "${name}" declares ${(tensor.dims ?? []).join("x")} elements (limit ${ONNX_IMPORT_LIMITS.maxTensorElements})`,
      );
    }
    const stored = tensor.rawData?.length ?? 0;
    const bytes = ELEMENT_BYTES[tensor.dataType ?? 0];
    if (stored > 0 && bytes !== undefined && stored !== elements * bytes) {
      throw new OnnxImportError("onnx_unreadable", `tensor "${name}" declares ${elements} elements but holds ${stored} bytes (truncated or corrupt)`);
    }
    totals.elements += elements;
    if (totals.elements > ONNX_IMPORT_LIMITS.maxTotalElements) {
      throw new OnnxImportError("onnx_tensor_too_large", `the model's tensors hold more than ${ONNX_IMPORT_LIMITS.maxTotalElements} elements together`);
    }
  };
  for (const tensor of graph.initializer ?? []) checkTensor(tensor, "initializer");
  let nodes = 0;
  for (const node of graph.node ?? []) {
    nodes++;
    if (!STANDARD_DOMAINS.has(node.domain ?? "")) {
      throw new OnnxImportError(
        "onnx_custom_op",
        `node "${node.name || node.opType}" uses the custom operator ${node.domain}.${node.opType}; only the standard ONNX operator sets are supported`,
      );
    }
    for (const attribute of node.attribute ?? []) {
      if (attribute.t) checkTensor(attribute.t, `${node.opType}.${attribute.name}`);
      for (const t of attribute.tensors ?? []) checkTensor(t, `${node.opType}.${attribute.name}`);
      if (attribute.g) nodes += checkGraph(attribute.g, depth + 1, totals);
      for (const g of attribute.graphs ?? []) nodes += checkGraph(g, depth + 1, totals);
    }
    if (nodes > ONNX_IMPORT_LIMITS.maxNodes) throw new OnnxImportError("onnx_too_many_ops", `the graph has more than ${ONNX_IMPORT_LIMITS.maxNodes} nodes`);
  }
  return nodes;
}

/**
 * Reads an ONNX file and checks it against the declared input form (without running it).
 * Throws OnnxImportError naming the first problem.
 */
export function inspectOnnx(bytes: Uint8Array, input: ModelManifest["preprocessing"]["input"]): OnnxSignature {
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxImportError("onnx_unreadable", `not a readable ONNX model (${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node?.length ?? 0) === 0) throw new OnnxImportError("onnx_unreadable", "the file holds no ONNX graph (is it an .onnx model?)");
  for (const opset of model.opsetImport ?? []) {
    if (!STANDARD_DOMAINS.has(opset.domain ?? "")) {
      throw new OnnxImportError(
        "onnx_custom_op",
        `the model imports the custom operator set "${opset.domain}"; only the standard ONNX operator sets are supported`,
      );
    }
  }
  if ((model.functions?.length ?? 0) > 0)
    throw new OnnxImportError("onnx_custom_op", "the model defines its own functions (custom operators); export without them");
  const nodes = checkGraph(graph, 0, { elements: 0 });

  const initialised = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !initialised.has(i.name ?? ""));
  if (inputs.length !== 1) {
    throw new OnnxImportError(
      "onnx_input_mismatch",
      `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(", ")}); it must take one image tensor`,
    );
  }
  const [image] = inputs;
  if (image.type?.tensorType?.elemType !== onnx.TensorProto.DataType.FLOAT) {
    throw new OnnxImportError("onnx_input_mismatch", `input "${image.name}" must be a float32 tensor`);
  }
  const declared = DIMS_OF_INPUT[input];
  const dims = dimsOf(image);
  const expected = `[N,${declared.join(",")}]`;
  if (!dims || dims.length !== declared.length + 1 || declared.some((d, i) => dims[i + 1] !== null && dims[i + 1] !== d)) {
    throw new OnnxImportError("onnx_input_mismatch", `input "${image.name}" has shape ${show(dims)}; the declared layout needs ${expected}`);
  }
  const fixedBatch = dims[0];
  if (fixedBatch !== null && fixedBatch !== 1) {
    throw new OnnxImportError(
      "onnx_input_mismatch",
      `input "${image.name}" has a fixed batch of ${fixedBatch}; export with a dynamic batch dimension (or a batch of 1)`,
    );
  }

  const outputs = graph.output ?? [];
  const tenWide = outputs.find(
    (o) => o.type?.tensorType?.elemType === onnx.TensorProto.DataType.FLOAT && dimsOf(o)?.length === 2 && dimsOf(o)?.[1] === NUM_CLASSES,
  );
  const output = tenWide ?? outputs.find((o) => o.type?.tensorType?.elemType === onnx.TensorProto.DataType.FLOAT);
  if (!output) throw new OnnxImportError("onnx_output_mismatch", "the model has no float32 output; it must answer ten scores per image");
  const outDims = dimsOf(output);
  if (outDims && (outDims.length !== 2 || (outDims[1] !== null && outDims[1] !== NUM_CLASSES))) {
    throw new OnnxImportError("onnx_output_mismatch", `output "${output.name}" has shape ${show(outDims)}; it must be [N,${NUM_CLASSES}]`);
  }
  const opset = Math.max(0, ...(model.opsetImport ?? []).filter((o) => (o.domain ?? "") === "" || o.domain === "ai.onnx").map((o) => Number(o.version)));
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(" ") || "unknown";
  return { inputName: image.name ?? "", fixedBatch, outputName: output.name ?? "", opset, nodes, producer };
}

/** An artifact holding an imported ONNX model: its file, the declared form, and what inspection found. */
export function onnxArtifact(
  bytes: Uint8Array,
  spec: OnnxModelSpec,
  meta: { name: string; author: string; datasetTag: string; algorithm?: string; metrics?: string[] },
): ModelArtifact {
  const { preprocessing, labels } = preprocessingOfOnnxSpec(spec);
  const signature = inspectOnnx(bytes, preprocessing.input);
  return buildArtifact(
    {
      name: meta.name,
      algorithm: meta.algorithm ?? "onnx",
      author: meta.author,
      datasetTag: meta.datasetTag,
      runtime: "onnx",
      hyperparameters: { producer: signature.producer, opset: signature.opset, nodes: signature.nodes, layout: spec.layout },
      preprocessing,
      labels,
      metrics: meta.metrics ?? [],
      created: new Date().toISOString(),
      frameworkVersions: { onnx: `opset ${signature.opset}`, producer: signature.producer },
      trainingData: null,
    },
    { [ONNX_FILE]: bytes },
  );
}
