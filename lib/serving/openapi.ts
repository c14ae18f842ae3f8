import { IMAGE_PIXELS, KMNIST_CLASSES } from "@/lib/data/classes";

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable machine-readable reason", example: "validation_failed" },
        message: { type: "string", description: "What was wrong, for people" },
      },
    },
  },
} as const;

const errorResponse = (description: string, codes: string[]) => ({
  description: `${description} (codes: ${codes.join(", ")})`,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const modelParameter = {
  name: "model",
  in: "query",
  required: false,
  description: "Which model answers: `champion` (default), `<name>`, `<name>@latest` or `<name>@<version>`.",
  schema: { type: "string", default: "champion", example: "kmnist-cnn@3" },
} as const;

/** The public API contract, served at /api/openapi.json and rendered at /docs. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Kana Lab API",
    version: "1.0.0",
    description:
      "Recognises handwritten classical hiragana (the ten Kuzushiji-MNIST classes). Every response is JSON; every error is a 4xx/5xx with `{ error: { code, message } }`.",
  },
  paths: {
    "/api/predict": {
      post: {
        operationId: "predict",
        summary: "Classify one handwritten character",
        description:
          "Send an image (any size; PNG, JPEG, WebP, GIF first frame, AVIF, TIFF) as a multipart upload, a raw `image/*` body or a JSON data URL, or send 784 pixels as JSON. Images are preprocessed like KMNIST (grayscale, white ink on black, cropped to the ink, scaled to fill 28 pixels, centred); JSON pixels are used as they are.",
        parameters: [
          modelParameter,
          { name: "preprocessed", in: "query", required: false, description: "Also return the 28x28 input the model saw.", schema: { type: "boolean", default: false } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  {
                    type: "object",
                    required: ["pixels"],
                    additionalProperties: false,
                    properties: {
                      pixels: {
                        type: "array",
                        minItems: IMAGE_PIXELS,
                        maxItems: IMAGE_PIXELS,
                        items: { type: "number" },
                        description: "28x28 row-major, white ink on black",
                      },
                      scale: { type: "string", enum: ["0-255", "0-1"], default: "0-255" },
                      model: { type: "string" },
                      preprocessed: { type: "boolean" },
                    },
                  },
                  {
                    type: "object",
                    required: ["image"],
                    additionalProperties: false,
                    properties: {
                      image: { type: "string", description: "data URL", example: "data:image/png;base64,iVBORw0KGgo..." },
                      model: { type: "string" },
                      preprocessed: { type: "boolean" },
                    },
                  },
                ],
              },
            },
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["image"],
                properties: { image: { type: "string", format: "binary" }, model: { type: "string" }, preprocessed: { type: "boolean" } },
              },
            },
            "image/*": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: {
          "200": { description: "The prediction", content: { "application/json": { schema: { $ref: "#/components/schemas/Prediction" } } } },
          "400": errorResponse("Malformed request", ["empty_body", "empty_image", "invalid_json", "invalid_multipart", "invalid_model_ref"]),
          "404": errorResponse("No such model", ["unknown_model"]),
          "405": errorResponse("Wrong method", ["method_not_allowed"]),
          "413": errorResponse("Too large", ["payload_too_large", "too_many_pixels"]),
          "415": errorResponse("Unsupported Content-Type", ["unsupported_media_type"]),
          "422": errorResponse("Well-formed but unusable", ["validation_failed", "unsupported_image", "no_ink"]),
          "503": errorResponse("No model registered yet", ["no_model_available"]),
        },
      },
    },
    "/api/health": {
      get: {
        operationId: "health",
        summary: "Liveness of the app and its dependencies",
        responses: {
          "200": { description: "Every component answers" },
          "503": { description: "A component does not answer; the body says which" },
        },
      },
    },
  },
  components: {
    schemas: {
      Error: errorSchema,
      Prediction: {
        type: "object",
        required: ["label", "char", "probabilities", "model", "timingMs"],
        properties: {
          label: { type: "integer", minimum: 0, maximum: 9, description: "KMNIST class index" },
          char: { type: "string", enum: KMNIST_CLASSES.map((c) => c.char), description: "The hiragana for `label`" },
          probabilities: {
            type: "array",
            minItems: 10,
            maxItems: 10,
            description: "All ten classes, most probable first",
            items: { type: "object", properties: { label: { type: "integer" }, char: { type: "string" }, p: { type: "number" } } },
          },
          model: { type: "object", properties: { name: { type: "string" }, version: { type: "integer" }, algorithm: { type: "string" } } },
          preprocessed: { type: "array", items: { type: "integer", minimum: 0, maximum: 255 }, description: "Only when asked" },
          timingMs: { type: "object", properties: { preprocess: { type: "number" }, inference: { type: "number" }, total: { type: "number" } } },
        },
      },
    },
  },
} as const;
