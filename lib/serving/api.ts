import { z } from "zod";
import { operation, queryFlag } from "@/lib/http";
import { IMAGE_PIXELS, KMNIST_CLASSES } from "@/lib/kmnist";

/** The API of predictions: what a request may carry and what it answers. */

export const modelRef = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "must not contain control characters")
  .meta({ description: "Which model answers: `champion` (default), `<name>`, `<name>@latest` or `<name>@<version>`.", example: "kmnist-cnn@3" });

export const predictQuerySchema = z.object({
  model: modelRef.optional(),
  preprocessed: queryFlag.optional().meta({ description: "Also return the 28x28 input the model saw." }),
  record: queryFlag
    .optional()
    .meta({ description: "`false` keeps this prediction out of the prediction log (previews while drawing); it then has no `predictionId`." }),
});

/** Bounds on a drawing sent as strokes: far above any character, far below what could cost a request real time. */
export const STROKE_LIMITS = { strokes: 64, pointsPerStroke: 2048, points: 8192, coordinate: 100_000 };

const strokePoint = z.tuple([
  z.number().finite().min(-STROKE_LIMITS.coordinate).max(STROKE_LIMITS.coordinate),
  z.number().finite().min(-STROKE_LIMITS.coordinate).max(STROKE_LIMITS.coordinate),
]);

export const strokesSchema = z
  .array(
    z
      .array(strokePoint)
      .min(1, "a stroke needs at least one point")
      .max(STROKE_LIMITS.pointsPerStroke, `at most ${STROKE_LIMITS.pointsPerStroke} points a stroke`),
  )
  .min(1, "draw at least one stroke")
  .max(STROKE_LIMITS.strokes, `at most ${STROKE_LIMITS.strokes} strokes`)
  .refine((s) => s.reduce((n, stroke) => n + stroke.length, 0) <= STROKE_LIMITS.points, `at most ${STROKE_LIMITS.points} points in all`)
  .meta({
    description:
      "The drawing as the pen moved: strokes of [x, y] points in any units (the predict page sends canvas pixels). Rendered at KMNIST's stroke width relative to the drawing's own size, so a small drawing reads like a large one.",
    example: [
      [
        [40, 60],
        [120, 62],
        [200, 70],
      ],
      [
        [110, 20],
        [100, 240],
      ],
    ],
  });

export const predictJsonSchema = z
  .object({
    strokes: strokesSchema.optional(),
    pixels: z
      .array(z.number().finite("must be a finite number"))
      .length(IMAGE_PIXELS, `must hold exactly ${IMAGE_PIXELS} values (28x28, row-major)`)
      .optional()
      .meta({ description: "28x28 row-major, white ink on black" }),
    scale: z.enum(["0-255", "0-1"]).default("0-255"),
    image: z.string().max(50_000_000).optional().meta({ description: "A data URL", example: "data:image/png;base64,iVBORw0KGgo..." }),
    model: modelRef.optional(),
    preprocessed: queryFlag.optional(),
  })
  .strict()
  .refine((b) => [b.pixels, b.image, b.strokes].filter((v) => v !== undefined).length === 1, { message: 'give exactly one of "pixels", "image" or "strokes"' })
  .meta({ description: "784 pixels, an image as a data URL, or a drawing's strokes" });

export const predictMultipartSchema = z.object({
  image: z.string().meta({ format: "binary", description: "The image file (also accepted as `file`)" }),
  model: modelRef.optional(),
  preprocessed: z.enum(["true", "false", "1", "0"]).optional(),
});

export const predictionSchema = z
  .object({
    label: z.number().int().min(0).max(9).meta({ description: "KMNIST class index" }),
    char: z.enum(KMNIST_CLASSES.map((c) => c.char) as [string, ...string[]]).meta({ description: "The hiragana for `label`" }),
    probabilities: z
      .array(z.object({ label: z.number().int().min(0).max(9), char: z.string(), p: z.number().min(0).max(1) }))
      .length(10)
      .meta({ description: "All ten classes, most probable first" }),
    model: z.object({ name: z.string(), version: z.number().int(), algorithm: z.string() }),
    preprocessed: z.array(z.number().int().min(0).max(255)).length(IMAGE_PIXELS).optional().meta({ description: "Only when asked (`preprocessed=true`)" }),
    unsure: z.boolean().meta({
      description:
        "True when the model is less confident than on 99 % of its holdout characters: the input may not be one of the ten. False when the model has no such calibration yet.",
    }),
    confidenceFloor: z
      .number()
      .nullable()
      .meta({ description: "The top probability below which an answer is unsure: the model's 1st percentile on its holdout (null: not calibrated yet)" }),
    timingMs: z.object({ preprocess: z.number(), inference: z.number(), total: z.number() }),
    predictionId: z
      .uuid()
      .nullable()
      .meta({ description: "Refer to it in POST /api/feedback; null when the prediction was not recorded (sampling, `record=false`)" }),
  })
  .meta({ id: "Prediction" });

export type Prediction = z.infer<typeof predictionSchema>;

export const predictOperation = operation({
  id: "predict",
  method: "POST",
  path: "/api/predict",
  tag: "Predictions",
  access: "public",
  summary: "Classify one handwritten character",
  description:
    "Send an image (any size; PNG, JPEG, WebP, GIF first frame, TIFF, AVIF, HEIF; not SVG) as a multipart upload, a raw `image/*` body or a JSON data URL, a drawing's strokes as JSON, or 784 pixels as JSON. Images are preprocessed like KMNIST (grayscale; the paper's light estimated locally and divided out, so gradients and shadows are not ink; white ink on black, cropped to the ink, scaled to fill 28 pixels, centred; strokes far thicker than KMNIST's thinned); strokes are rendered at KMNIST's stroke width; JSON pixels are used as they are. Inputs that cannot be a character (a dot, a straight line, a filled area, noise) are refused with 422 `not_a_character` and not recorded; answers the model is unsure of carry `unsure: true`.",
  query: predictQuerySchema,
  rawBodies: { "application/json": predictJsonSchema, "multipart/form-data": predictMultipartSchema, "image/*": "The image file itself" },
  rateLimited: true,
  responses: { 200: { description: "The prediction", json: predictionSchema } },
  errors: {
    400: {
      description: "Malformed request",
      codes: ["empty_body", "empty_image", "invalid_json", "invalid_multipart", "invalid_model_ref", "request_aborted"],
    },
    404: { description: "No such model", codes: ["unknown_model"] },
    413: { description: "Too large", codes: ["payload_too_large", "too_many_pixels"] },
    415: { description: "An image format that is not accepted (SVG)", codes: ["unsupported_format"] },
    422: { description: "Well-formed but unusable", codes: ["validation_failed", "unsupported_image", "no_ink", "not_a_character", "decode_timeout"] },
    503: { description: "No model registered yet, or image decoding is saturated (retry after Retry-After)", codes: ["no_model_available", "busy"] },
  },
});

export const predictWrongMethodOperation = operation({
  id: "predictWithGet",
  method: "GET",
  path: "/api/predict",
  tag: "Predictions",
  access: "public",
  summary: "Not a way to predict: answers 405 and points to POST",
  responses: {},
  errors: { 405: { description: "Use POST", codes: ["method_not_allowed"] } },
});

/** Most images one batch request may carry (PREDICT_MAX_BATCH_REQUEST). */
export const batchItemSchema = z
  .object({
    pixels: z.array(z.number()).length(IMAGE_PIXELS).optional().meta({ description: "28x28 row-major, white ink on black" }),
    scale: z.enum(["0-255", "0-1"]).default("0-255"),
    image: z.string().optional().meta({ description: "A data URL" }),
    strokes: strokesSchema.optional(),
  })
  .meta({ description: "One image: exactly one of `pixels`, `image` (a data URL) or `strokes`, as in POST /api/predict" });

export const predictBatchJsonSchema = z
  .object({
    items: z.array(batchItemSchema).min(1).meta({ description: "The images, answered in the same order (at most PREDICT_MAX_BATCH_REQUEST, 256 by default)" }),
    model: modelRef.optional(),
  })
  .meta({ id: "PredictBatchRequest" });

const itemErrorSchema = z.object({
  index: z.number().int().min(0),
  error: z.object({ code: z.string(), message: z.string(), status: z.number().int().meta({ description: "The HTTP status POST /api/predict would answer" }) }),
});

const itemPredictionSchema = predictionSchema
  .pick({ label: true, char: true, probabilities: true, unsure: true, predictionId: true })
  .extend({ index: z.number().int().min(0) });

export const batchPredictionSchema = z
  .object({
    model: predictionSchema.shape.model,
    confidenceFloor: predictionSchema.shape.confidenceFloor,
    count: z.number().int(),
    failed: z.number().int().meta({ description: "Items answered with an error instead of a prediction" }),
    results: z.array(z.union([itemPredictionSchema, itemErrorSchema])).meta({ description: "One per item, in order: a prediction or that item's error" }),
    timingMs: z.object({ total: z.number() }),
  })
  .meta({ id: "BatchPrediction" });

export type BatchPrediction = z.infer<typeof batchPredictionSchema>;

export const predictBatchOperation = operation({
  id: "predictBatch",
  method: "POST",
  path: "/api/predict/batch",
  tag: "Predictions",
  access: "public",
  summary: "Classify many characters in one request",
  description:
    "Up to PREDICT_MAX_BATCH_REQUEST images (256 by default) as JSON `items` (each like a POST /api/predict body: `pixels`, `image` as a data URL, or `strokes`), or a multipart body with one file field per image. All are answered by one model, in order; an item that cannot be predicted gets its own error (code, message and the status a single prediction would have had) and the others are still answered. Not recorded in the prediction log unless `record=true`.",
  query: predictQuerySchema.pick({ model: true, record: true }),
  rawBodies: {
    "application/json": predictBatchJsonSchema,
    "multipart/form-data": "One file field per image (any field names), plus an optional `model` field",
  },
  rateLimited: true,
  responses: { 200: { description: "One result per item", json: batchPredictionSchema } },
  errors: {
    400: { description: "Malformed request", codes: ["empty_body", "invalid_json", "invalid_multipart", "invalid_model_ref", "request_aborted"] },
    404: { description: "No such model", codes: ["unknown_model"] },
    413: { description: "Too large or too many items", codes: ["payload_too_large", "too_many_items"] },
    422: { description: "Not a batch", codes: ["validation_failed"] },
    503: { description: "No model registered yet", codes: ["no_model_available"] },
  },
});
