import { z } from "zod";
import { ApiError, queryFlag, readBodyLimited } from "@/lib/http";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import type { Strokes } from "@/lib/preprocess";
import { modelRef, predictJsonSchema, type predictQuerySchema } from "./api";

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
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new ApiError(400, "invalid_multipart", "The multipart body could not be parsed (check the boundary and parts)");
    }
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
