import { BENCHMARK_SORTS } from "@/lib/benchmark/queries";
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

/** Responses of every admin-only operation (lib/auth/access.ts), refused before the handler runs. */
const adminOnly = {
  "401": errorResponse("No session: sign in as an administrator (session cookie from /api/auth)", ["unauthenticated"]),
  "403": errorResponse("Signed in without the admin role", ["forbidden"]),
};

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
          {
            name: "record",
            in: "query",
            required: false,
            description: "`false` keeps this prediction out of the prediction log (e.g. previews while drawing); it then has no `predictionId`.",
            schema: { type: "boolean", default: true },
          },
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
          "400": errorResponse("Malformed request", ["empty_body", "empty_image", "invalid_json", "invalid_multipart", "invalid_model_ref", "request_aborted"]),
          "403": errorResponse("Sent by a page of another site", ["cross_site_request"]),
          "404": errorResponse("No such model", ["unknown_model"]),
          "405": errorResponse("Wrong method", ["method_not_allowed"]),
          "413": errorResponse("Too large", ["payload_too_large", "too_many_pixels"]),
          "415": errorResponse("Unsupported Content-Type, or an image format that is not accepted (SVG)", ["unsupported_media_type", "unsupported_format"]),
          "422": errorResponse("Well-formed but unusable", ["validation_failed", "unsupported_image", "no_ink", "decode_timeout"]),
          "429": errorResponse("Too many requests from this client (PREDICT_RATE_LIMIT, PREDICT_CLIENT_CONCURRENCY); see Retry-After", ["rate_limited", "too_many_in_flight"]),
          "503": errorResponse("No model registered yet, or image decoding is saturated (retry after Retry-After)", ["no_model_available", "busy"]),
        },
      },
    },
    "/api/benchmarks": {
      get: {
        operationId: "listBenchmarks",
        summary: "List benchmarks (filter, sort, paginate) or export them",
        description:
          "A benchmark is one model version evaluated on one dataset version. With `format=csv` or `format=json` every match (up to 10,000) is returned as a download instead of a page.",
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
          { name: "pageSize", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 25 } },
          { name: "sort", in: "query", schema: { type: "string", enum: Object.keys(BENCHMARK_SORTS), default: "created" } },
          { name: "order", in: "query", schema: { type: "string", enum: ["asc", "desc"], default: "desc" } },
          { name: "status", in: "query", schema: { type: "string", enum: ["pending", "running", "done", "failed"] } },
          { name: "model", in: "query", description: "Model name, exact", schema: { type: "string" } },
          { name: "algorithm", in: "query", schema: { type: "string" } },
          { name: "tag", in: "query", description: "Dataset tag, exact", schema: { type: "string" } },
          { name: "modelVersionId", in: "query", schema: { type: "integer" } },
          { name: "datasetVersionId", in: "query", schema: { type: "integer" } },
          { name: "q", in: "query", description: "Text search in model name, author, algorithm and tag", schema: { type: "string", maxLength: 100 } },
          { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv"] } },
        ],
        responses: {
          "200": { description: "`{ rows, total, page, pageSize, pages }`, or the export" },
          "422": errorResponse("Bad query parameter", ["validation_failed"]),
        },
      },
      post: {
        operationId: "runBenchmarks",
        summary: "Run the benchmark engine now, optionally re-running finished benchmarks",
        requestBody: {
          content: { "application/json": { schema: { type: "object", additionalProperties: false, properties: { rerun: { type: "array", items: { type: "integer" }, maxItems: 500 } } } } },
        },
        responses: {
          "202": { description: "Queued on the job engine" },
          "400": errorResponse("Not JSON", ["invalid_json"]),
          "409": errorResponse("A benchmark to re-run is unknown, queued or running", ["benchmark_busy"]),
          "413": errorResponse("Too large", ["payload_too_large"]),
          "422": errorResponse("Invalid body", ["validation_failed"]),
          ...adminOnly,
        },
      },
    },
    "/api/feedback": {
      post: {
        operationId: "feedback",
        summary: "Confirm or correct a prediction",
        description:
          "The verdict becomes a labelled record of the `feedback` source (ingested by the monitoring job), so the `kmnist-feedback` tag gets a new version and every model is benchmarked on it.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["predictionId"],
                additionalProperties: false,
                properties: {
                  predictionId: { type: "string", format: "uuid" },
                  correct: { type: "boolean", enum: [true], description: "The prediction was right" },
                  label: { type: "integer", minimum: 0, maximum: 9, description: "The right class (give this or `correct`)" },
                },
              },
            },
          },
        },
        responses: {
          "201": { description: "`{ predictionId, label, kind: confirmed | corrected, predicted }`" },
          "400": errorResponse("Not JSON", ["invalid_json"]),
          "429": errorResponse("Too many answers from this client (FEEDBACK_RATE_LIMIT a minute); see Retry-After", ["rate_limited"]),
          "404": errorResponse("No recorded prediction with this id", ["unknown_prediction"]),
          "409": errorResponse("This prediction already has feedback", ["feedback_exists"]),
          "413": errorResponse("Too large", ["payload_too_large"]),
          "422": errorResponse("Invalid body", ["validation_failed"]),
        },
      },
    },
    "/api/training": {
      post: {
        operationId: "requestTraining",
        summary: "Queue a run of the training pipeline (admin)",
        requestBody: {
          content: { "application/json": { schema: { type: "object", additionalProperties: false, properties: { algorithms: { type: "array", items: { type: "string", enum: ["logreg", "tree", "cnn"] }, minItems: 1, maxItems: 3 } } } } },
        },
        responses: {
          "202": { description: "Queued on the job engine" },
          "400": errorResponse("Not JSON", ["invalid_json"]),
          "409": errorResponse("A pipeline is already queued or running", ["training_in_progress"]),
          "422": errorResponse("Invalid body", ["validation_failed"]),
          ...adminOnly,
        },
      },
    },
    "/api/admin/models": {
      post: {
        operationId: "uploadModel",
        summary: "Upload a model artifact zip (admin); it is registered and benchmarked",
        description:
          "Nothing is stored unless the zip is safe (no `..`, absolute or nested paths; entry and size limits), the manifest is valid, every weight file matches its sha256, the dataset tag exists and the ML core loads the model. Form fields override the manifest.",
        requestBody: {
          required: true,
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["file"],
                properties: {
                  file: { type: "string", format: "binary", description: "Zip of the artifact folder: manifest.json and its weight files" },
                  name: { type: "string", maxLength: 63 },
                  author: { type: "string", maxLength: 200 },
                  algorithm: { type: "string", maxLength: 64 },
                  datasetTag: { type: "string", maxLength: 100 },
                  metrics: { type: "string", description: "Extra metric ids, comma-separated" },
                },
              },
            },
          },
        },
        responses: {
          "201": { description: "`{ id, name, version, algorithm, datasetTag, url }`" },
          "400": errorResponse("Unparseable multipart body", ["invalid_form"]),
          "413": errorResponse("Larger than UPLOAD_MAX_BYTES", ["payload_too_large"]),
          "415": errorResponse("Not multipart/form-data", ["unsupported_media_type"]),
          "422": errorResponse("Refused, with the reason", ["validation_failed", "invalid_model"]),
          ...adminOnly,
        },
      },
    },
    "/api/benchmarks/{id}": {
      get: {
        operationId: "getBenchmark",
        summary: "One benchmark with every metric, its timings and its model's explanation status",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "integer" } },
          { name: "format", in: "query", description: "`csv`: the per-class table", schema: { type: "string", enum: ["json", "csv"] } },
        ],
        responses: {
          "200": { description: "The benchmark; `metrics` holds the metric registry's results by id" },
          "400": errorResponse("Bad id", ["invalid_id"]),
          "404": errorResponse("No such benchmark", ["not_found"]),
        },
      },
    },
    "/api/benchmarks/best": {
      get: {
        operationId: "bestModels",
        summary: "Leaderboard: the best model per dataset tag and algorithm, and per tag",
        responses: { "200": { description: "`{ byTagAndAlgorithm, byTag }`" } },
      },
    },
    "/api/models/versions/{id}/explanation": {
      get: {
        operationId: "getExplanation",
        summary: "A model version's attributions (exact linear SHAP, integrated gradients, KernelSHAP over patches)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": { description: "Per method: per-class mean 28x28 heatmaps and example explanations" },
          "400": errorResponse("Bad id", ["invalid_id"]),
          "404": errorResponse("No explanation yet", ["not_found"]),
        },
      },
    },
    "/api/models/versions/{id}/artifact": {
      get: {
        operationId: "downloadArtifact",
        summary: "A model version's artifact (manifest.json and weights) as a zip, verified against its checksums",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        responses: {
          "200": { description: "application/zip" },
          "400": errorResponse("Bad id", ["invalid_id"]),
          "404": errorResponse("No such model version", ["not_found"]),
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
          predictionId: { type: ["string", "null"], format: "uuid", description: "Refer to it in POST /api/feedback; null when the prediction was not recorded (sampling, `record=false`)" },
        },
      },
    },
  },
} as const;
