import { z } from "zod";
import { ApiError, queryFlag, readBodyLimited } from "@/lib/http";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import type { Strokes } from "@/lib/preprocess";
import { batchItemSchema, modelRef, predictJsonSchema, type predictQuerySchema } from "./api";

/** What a predict request carries once its transport (JSON, multipart, raw image) is gone. */
export type PredictInput = { kind: "image"; bytes: Buffer } | { kind: "pixels"; pixels: Uint8Array } | { kind: "strokes"; strokes: Strokes };

export interface PredictRequest {
  input: PredictInput;
  model?: string;
  includePreprocessed: boolean;
  /** False keeps this prediction out of the prediction log (`?record=false`: e.g. previews while drawing). */
  record: boolean;
}

/** The bodies a prediction may come in. */
export const PREDICT_MEDIA_TYPES = ["application/json", "multipart/form-data", "image/*"] as const;

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;

function validationError(error: z.ZodError): ApiError {
  const detail = error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  return new ApiError(422, "validation_failed", detail);
}

function pixelsFrom(values: number[], scale: "0-255" | "0-1"): Uint8Array {
  const max = scale === "0-255" ? 255 : 1;
  const out = new Uint8Array(IMAGE_PIXELS);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v > max) throw new ApiError(422, "validation_failed", `pixels.${i}: ${v} is outside ${scale} (set "scale" to "0-1" for unit values)`);
    out[i] = Math.round(scale === "0-255" ? v : v * 255);
  }
  return out;
}

function decodeDataUrl(value: string, maxBytes: number): Buffer {
  const match = DATA_URL.exec(value);
  if (!match) throw new ApiError(422, "validation_failed", 'image: must be a data URL like "data:image/png;base64,..."');
  const bytes = Buffer.from(match[2], "base64");
  if (bytes.length > maxBytes) throw new ApiError(413, "payload_too_large", `Decoded image is ${bytes.length} bytes; the limit is ${maxBytes} bytes`);
  if (bytes.length === 0) throw new ApiError(400, "empty_image", "image: the data URL holds no data");
  return bytes;
}

async function multipartForm(body: Buffer, contentType: string): Promise<FormData> {
  try {
    return await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new ApiError(400, "invalid_multipart", "The multipart body could not be parsed (check the boundary and parts)");
  }
}

/**
 * Parses any supported predict request, its query already validated (the operation's
 * schema), or throws an ApiError that names the problem.
 */
export async function parsePredictRequest(request: Request, maxBytes: number, query: z.infer<typeof predictQuerySchema>): Promise<PredictRequest> {
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const mediaType = contentType.split(";")[0].trim();
  if (!PREDICT_MEDIA_TYPES.some((t) => (t.endsWith("/*") ? mediaType.startsWith(t.slice(0, -1)) : mediaType === t))) {
    throw new ApiError(415, "unsupported_media_type", `Content-Type "${mediaType || "(none)"}" is not accepted; send ${PREDICT_MEDIA_TYPES.join(", ")}`);
  }
  const body = await readBodyLimited(request, maxBytes);
  if (body.length === 0) throw new ApiError(400, "empty_body", "The request body is empty");

  const base = { model: query.model, includePreprocessed: query.preprocessed ?? false, record: query.record ?? true };

  if (mediaType.startsWith("image/")) return { ...base, input: { kind: "image", bytes: body } };

  if (mediaType === "multipart/form-data") {
    const form = await multipartForm(body, contentType);
    const file = form.get("image") ?? form.get("file");
    if (!(file instanceof Blob)) throw new ApiError(422, "validation_failed", 'multipart: send the image in a file field named "image"');
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) throw new ApiError(400, "empty_image", "The uploaded file is empty");
    const fields = z.object({ model: modelRef.optional(), preprocessed: queryFlag.optional() }).safeParse({
      model: form.get("model") ?? undefined,
      preprocessed: form.get("preprocessed") ?? undefined,
    });
    if (!fields.success) throw validationError(fields.error);
    return {
      ...base,
      model: base.model ?? fields.data.model,
      includePreprocessed: base.includePreprocessed || (fields.data.preprocessed ?? false),
      input: { kind: "image", bytes },
    };
  }

  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ApiError(422, "validation_failed", 'The JSON body must be an object with "pixels", "image" or "strokes"');
  }
  const parsed = predictJsonSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  const b = parsed.data;
  return {
    ...base,
    model: base.model ?? b.model,
    includePreprocessed: base.includePreprocessed || (b.preprocessed ?? false),
    input: b.pixels
      ? { kind: "pixels", pixels: pixelsFrom(b.pixels, b.scale) }
      : b.strokes
        ? { kind: "strokes", strokes: b.strokes }
        : { kind: "image", bytes: decodeDataUrl(b.image!, maxBytes) },
  };
}

/** A batch once parsed: each item an input, or the error that item alone answers with (the service names its index). */
export interface PredictBatchRequest {
  items: Array<PredictInput | ApiError>;
  model?: string;
  record: boolean;
}

const ITEM_KEYS = new Set(["pixels", "scale", "image", "strokes"]);

/**
 * One JSON item. 784 pixels (the common case, and 256 of them a request) are checked by hand:
 * a schema validating 200,000 numbers costs more than predicting them.
 */
function batchItem(item: unknown, maxBytes: number): PredictInput | ApiError {
  try {
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw new ApiError(422, "validation_failed", "must be an object");
    const extra = Object.keys(item).find((k) => !ITEM_KEYS.has(k));
    if (extra) throw new ApiError(422, "validation_failed", `unknown field "${extra.slice(0, 40)}" (the model is chosen once for the batch)`);
    const { pixels, scale = "0-255", image, strokes } = item as Record<string, unknown>;
    if ([pixels, image, strokes].filter((v) => v !== undefined).length !== 1) {
      throw new ApiError(422, "validation_failed", 'give exactly one of "pixels", "image" or "strokes"');
    }
    if (Array.isArray(pixels) && pixels.length === IMAGE_PIXELS && (scale === "0-255" || scale === "0-1") && pixels.every((v) => typeof v === "number")) {
      return { kind: "pixels", pixels: pixelsFrom(pixels as number[], scale) };
    }
    const parsed = batchItemSchema.safeParse(item);
    if (!parsed.success) throw validationError(parsed.error);
    const b = parsed.data;
    if (b.strokes) return { kind: "strokes", strokes: b.strokes };
    if (b.image !== undefined) return { kind: "image", bytes: decodeDataUrl(b.image, maxBytes) };
    throw new ApiError(422, "validation_failed", `pixels must be ${IMAGE_PIXELS} numbers`);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/**
 * Parses a batch request (JSON `items`, or multipart with one file per image): what is wrong
 * with the whole request throws, what is wrong with one item becomes that item's error.
 */
export async function parsePredictBatchRequest(
  request: Request,
  limits: { maxBytes: number; maxItems: number },
  query: Pick<z.infer<typeof predictQuerySchema>, "model" | "record">,
): Promise<PredictBatchRequest> {
  const contentType = (request.headers.get("content-type") ?? "").toLowerCase();
  const mediaType = contentType.split(";")[0].trim();
  const body = await readBodyLimited(request, limits.maxBytes);
  if (body.length === 0) throw new ApiError(400, "empty_body", "The request body is empty");
  const tooMany = (count: number) =>
    new ApiError(413, "too_many_items", `The batch holds ${count} images; at most ${limits.maxItems} a request (PREDICT_MAX_BATCH_REQUEST)`);
  const base = { model: query.model, record: query.record ?? false };

  if (mediaType === "multipart/form-data") {
    const form = await multipartForm(body, contentType);
    const files = [...form.values()].filter((v): v is File => v instanceof Blob);
    if (files.length === 0) throw new ApiError(422, "validation_failed", "multipart: send one file field per image");
    if (files.length > limits.maxItems) throw tooMany(files.length);
    const model = modelRef.optional().safeParse(form.get("model") ?? undefined);
    if (!model.success) throw validationError(model.error);
    const items = await Promise.all(
      files.map(async (file): Promise<PredictInput | ApiError> => {
        const bytes = Buffer.from(await file.arrayBuffer());
        return bytes.length === 0 ? new ApiError(400, "empty_image", "the file is empty") : { kind: "image", bytes };
      }),
    );
    return { ...base, model: base.model ?? model.data, items };
  }

  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON (${(error as Error).message})`);
  }
  const envelope = json as { items?: unknown; model?: unknown };
  if (typeof json !== "object" || json === null || !Array.isArray(envelope.items) || envelope.items.length === 0) {
    throw new ApiError(422, "validation_failed", 'The JSON body must be an object with "items": a non-empty array of images');
  }
  const extra = Object.keys(json).find((k) => k !== "items" && k !== "model");
  if (extra) throw new ApiError(422, "validation_failed", `unknown field "${extra.slice(0, 40)}"`);
  if (envelope.items.length > limits.maxItems) throw tooMany(envelope.items.length);
  const model = modelRef.optional().safeParse(envelope.model);
  if (!model.success) throw validationError(model.error);
  return { ...base, model: base.model ?? model.data, items: envelope.items.map((item) => batchItem(item, limits.maxBytes)) };
}
