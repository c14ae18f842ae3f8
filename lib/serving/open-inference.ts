import { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { ApiError, operation, route, type ErrorFormat } from "@/lib/http";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import type { PredictInput } from "./request";
import { PREDICT_LIMITS, predictService } from "./service";

/**
 * The Open Inference Protocol (KServe v2 REST), which Triton, KServe, Seldon MLServer and
 * their clients speak, over the registry's models. Names: a model's name (`kmnist-cnn`: its
 * latest version) or an alias (`champion`); versions: a number or `latest`. Inputs: one
 * tensor, FP32 in 0-1 or UINT8 in 0-255, shaped [N, 784] or [N, 1, 28, 28], white ink on
 * black (KMNIST's own form); data flat in row-major order (or nested as the shape says).
 * Outputs: `probabilities` (FP32 [N, 10], KMNIST class order) and `label` (INT64 [N]).
 * Inputs are quantised to 8 bits, as every prediction here is. Errors: `{ "error": message }`
 * as the protocol says, plus this API's stable `code`.
 */
const PROTOCOL_ERROR: ErrorFormat = (code, message) => ({ error: message, code });
const TAG = "Open Inference Protocol (KServe v2)";

const params = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, "must be a model name or alias"),
  version: z
    .string()
    .regex(/^([1-9][0-9]{0,8}|latest)$/, "must be a version number or latest")
    .optional(),
});
type ModelParams = z.infer<typeof params>;

// The parameters' patterns keep these within what a model reference may hold.
const refOf = ({ name, version }: ModelParams) => (version ? `${name}@${version}` : name);

const tensorMetadata = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number().int()) });
export const modelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(tensorMetadata),
    outputs: z.array(tensorMetadata),
  })
  .meta({ id: "InferenceModelMetadata" });

const INPUTS = [
  { name: "input", datatype: "FP32", shape: [-1, IMAGE_PIXELS] },
  { name: "input", datatype: "UINT8", shape: [-1, 1, 28, 28] },
];
const OUTPUTS = [
  { name: "probabilities", datatype: "FP32", shape: [-1, NUM_CLASSES] },
  { name: "label", datatype: "INT64", shape: [-1] },
];
const OUTPUT_NAMES = ["probabilities", "label"] as const;

export const inferRequestSchema = z
  .object({
    id: z.string().max(200).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    inputs: z
      .array(
        z.object({
          name: z.string().max(100),
          shape: z.array(z.number().int().min(1).max(1_000_000)).min(2).max(4),
          datatype: z.string().max(20),
          parameters: z.record(z.string(), z.unknown()).optional(),
          // Checked by hand against the shape: a schema over 200,000 numbers costs more than the inference.
          data: z.unknown(),
        }),
      )
      .length(1, "send one input tensor"),
    outputs: z.array(z.object({ name: z.enum(OUTPUT_NAMES), parameters: z.record(z.string(), z.unknown()).optional() })).optional(),
  })
  .meta({ id: "InferenceRequest" });

export const inferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number().int()), data: z.array(z.number()) })),
  })
  .meta({ id: "InferenceResponse" });

const protocolErrors = (extra: Record<number, { description: string; codes: string[] }> = {}) => ({
  400: { description: "Malformed name or version", codes: ["invalid_name", "invalid_version", "invalid_model_ref"] },
  404: { description: "No such model or version", codes: ["unknown_model"] },
  ...extra,
});

const op = <B = undefined>(
  id: string,
  method: "GET" | "POST",
  path: string,
  summary: string,
  extra: Partial<Parameters<typeof operation<undefined, ModelParams, B>>[0]> = {},
) => operation<undefined, ModelParams, B>({ id, method, path, summary, tag: TAG, access: "public", responses: {}, ...extra });

export const liveOperation = operation({
  id: "v2Live",
  method: "GET",
  path: "/v2/health/live",
  tag: TAG,
  access: "public",
  summary: "Server liveness",
  responses: { 200: { description: "The server answers", json: z.object({ live: z.boolean() }) } },
});

export const readyOperation = operation({
  id: "v2Ready",
  method: "GET",
  path: "/v2/health/ready",
  tag: TAG,
  access: "public",
  summary: "Server readiness: a champion is registered and loads",
  responses: {
    200: { description: "Ready", json: z.object({ ready: z.boolean() }) },
    503: { description: "Not ready", json: z.object({ ready: z.boolean() }) },
  },
});

const modelPaths = { latest: "/v2/models/{name}", version: "/v2/models/{name}/versions/{version}" } as const;

function modelOperations(kind: keyof typeof modelPaths) {
  const base = modelPaths[kind];
  const suffix = kind === "latest" ? "" : "Version";
  return {
    metadata: op(`v2ModelMetadata${suffix}`, "GET", base, "A model's metadata: versions, platform, input and output tensors", {
      params,
      responses: { 200: { description: "The metadata", json: modelMetadataSchema } },
      errors: protocolErrors(),
    }),
    ready: op(`v2ModelReady${suffix}`, "GET", `${base}/ready`, "Whether a model is loaded and answers", {
      params,
      responses: { 200: { description: "Ready", json: z.object({ name: z.string(), ready: z.boolean() }) } },
      errors: protocolErrors(),
    }),
    infer: op<z.infer<typeof inferRequestSchema>>(`v2ModelInfer${suffix}`, "POST", `${base}/infer`, "Inference on a tensor of images", {
      params,
      body: inferRequestSchema,
      maxBodyBytes: 16 * 1024 * 1024,
      rateLimited: true,
      responses: { 200: { description: "The output tensors", json: inferResponseSchema } },
      errors: protocolErrors({
        400: {
          description: "A tensor the model cannot take",
          codes: ["invalid_datatype", "invalid_shape", "shape_mismatch", "invalid_data", "invalid_json", "invalid_model_ref"],
        },
        422: { description: "Not an inference request (the body's schema)", codes: ["validation_failed"] },
        413: { description: "Too many images or too large", codes: ["too_many_items", "payload_too_large"] },
      }),
    }),
  };
}

export const openInferenceOperations = { latest: modelOperations("latest"), version: modelOperations("version") };

/** The tensor's images as 784 bytes each, or a named 400 / 413. */
function imagesOf(input: z.infer<typeof inferRequestSchema>["inputs"][number], maxItems: number): PredictInput[] {
  const { shape, datatype } = input;
  if (datatype !== "FP32" && datatype !== "UINT8")
    throw new ApiError(400, "invalid_datatype", `datatype ${datatype.slice(0, 20)}: send FP32 (0-1) or UINT8 (0-255)`);
  const perImage = shape.slice(1).reduce((a, b) => a * b, 1);
  const layoutOk = (shape.length === 2 && shape[1] === IMAGE_PIXELS) || (shape.length === 4 && shape[1] === 1 && shape[2] === 28 && shape[3] === 28);
  if (!layoutOk || perImage !== IMAGE_PIXELS) throw new ApiError(400, "invalid_shape", `shape [${shape.join(",")}]: send [N,784] or [N,1,28,28]`);
  const count = shape[0];
  if (count > maxItems) throw new ApiError(413, "too_many_items", `${count} images; at most ${maxItems} a request (PREDICT_MAX_BATCH_REQUEST)`);
  if (!Array.isArray(input.data)) throw new ApiError(400, "invalid_data", "data must be an array of numbers");
  // Nested data is allowed (as the shape says); flattened with a bound, never deeper than the shape.
  const data = (Array.isArray(input.data[0]) ? input.data.flat(shape.length - 1) : input.data) as unknown[];
  if (data.length !== count * IMAGE_PIXELS)
    throw new ApiError(400, "shape_mismatch", `data holds ${data.length} values; shape [${shape.join(",")}] needs ${count * IMAGE_PIXELS}`);
  const max = datatype === "FP32" ? 1 : 255;
  const images: PredictInput[] = [];
  for (let k = 0; k < count; k++) {
    const pixels = new Uint8Array(IMAGE_PIXELS);
    for (let i = 0; i < IMAGE_PIXELS; i++) {
      const v = data[k * IMAGE_PIXELS + i];
      if (typeof v !== "number" || !(v >= 0 && v <= max) || (datatype === "UINT8" && !Number.isInteger(v))) {
        throw new ApiError(400, "invalid_data", `data[${k * IMAGE_PIXELS + i}]: ${String(v).slice(0, 20)} is not a ${datatype} value in 0-${max}`);
      }
      pixels[i] = datatype === "FP32" ? Math.round(v * 255) : v;
    }
    images.push({ kind: "pixels", pixels });
  }
  return images;
}

const json = (body: unknown, status = 200) => NextResponse.json(body, { status });

export const liveRoute = route(liveOperation, async () => json({ live: true }), { errorFormat: PROTOCOL_ERROR });

export const readyRoute = route(
  readyOperation,
  async () => {
    const service = await predictService();
    const ready = await service.warmUp().then(
      () => true,
      () => false,
    );
    return json({ ready }, ready ? 200 : 503);
  },
  { errorFormat: PROTOCOL_ERROR },
);

function modelRoutes(kind: keyof typeof modelPaths) {
  const ops = openInferenceOperations[kind];
  return {
    metadata: route(
      ops.metadata,
      async ({ params: p }) => {
        const model = await (await predictService()).model(refOf(p));
        return json({
          name: p.name,
          versions: [String(model.version)],
          platform: "onnxruntime_onnx",
          inputs: INPUTS,
          outputs: OUTPUTS,
        } satisfies z.infer<typeof modelMetadataSchema>);
      },
      { errorFormat: PROTOCOL_ERROR },
    ),
    ready: route(
      ops.ready,
      async ({ params: p }) => {
        const service = await predictService();
        const model = await service.model(refOf(p));
        await service.load(model);
        return json({ name: p.name, ready: true });
      },
      { errorFormat: PROTOCOL_ERROR },
    ),
    infer: route(
      ops.infer,
      async ({ params: p, body }) => {
        const input = body.inputs[0];
        const items = imagesOf(input, config().predict.maxBatchRequest);
        const batch = await (await predictService()).predictBatch({ items, model: refOf(p), record: false });
        const wanted = new Set(body.outputs?.map((o) => o.name) ?? OUTPUT_NAMES);
        const probabilities: number[] = [];
        const labels: number[] = [];
        for (const result of batch.results) {
          // Only pixel items, all valid: a failed one would be ours.
          if ("error" in result) throw new ApiError(500, "internal_error", result.error.message);
          const row = new Array<number>(NUM_CLASSES);
          for (const { label, p: value } of result.probabilities) row[label] = value;
          probabilities.push(...row);
          labels.push(result.label);
        }
        const count = batch.results.length;
        const outputs = [
          { name: "probabilities", datatype: "FP32", shape: [count, NUM_CLASSES], data: probabilities },
          { name: "label", datatype: "INT64", shape: [count], data: labels },
        ].filter((o) => wanted.has(o.name as (typeof OUTPUT_NAMES)[number]));
        return json({
          model_name: p.name,
          model_version: String(batch.model.version),
          ...(body.id !== undefined ? { id: body.id } : {}),
          outputs,
        } satisfies z.infer<typeof inferResponseSchema>);
      },
      { limits: PREDICT_LIMITS, errorFormat: PROTOCOL_ERROR },
    ),
  };
}

export const openInferenceRoutes = { latest: modelRoutes("latest"), version: modelRoutes("version") };
