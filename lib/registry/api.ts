import { z } from "zod";
import { idParam, operation } from "@/lib/http";

/** The API of the registry: uploading a model, downloading an artifact. */

export const uploadFormSchema = z.object({
  file: z.string().meta({
    format: "binary",
    description: "Zip of the artifact folder (manifest.json and its weight files), or an ONNX model: a .onnx file, or a zip holding one, with the fields below",
  }),
  name: z.string().max(63).optional(),
  author: z.string().max(200).optional(),
  algorithm: z.string().max(64).optional(),
  datasetTag: z.string().max(100).optional(),
  metrics: z.string().max(1000).optional().meta({ description: "Extra metric ids, comma-separated" }),
  layout: z.enum(["nchw", "nhwc", "flat"]).optional().meta({ description: "ONNX models: input [N,1,28,28], [N,28,28,1] or [N,784]" }),
  scale: z.enum(["0-1", "0-255"]).optional().meta({ description: "ONNX models: pixel range the model expects" }),
  polarity: z.enum(["white-on-black", "black-on-white"]).optional().meta({ description: "ONNX models: white-on-black is KMNIST as stored" }),
  output: z.enum(["probabilities", "logits"]).optional().meta({ description: "ONNX models: logits get a softmax" }),
  labels: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "ONNX models: the class of each output in output order, 10 comma-separated class numbers or hiragana (default 0-9)" }),
});

export const uploadedModelSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.number().int(),
  algorithm: z.string(),
  datasetTag: z.string(),
  url: z.string().meta({ description: "The model version's page" }),
});

export type UploadedModel = z.infer<typeof uploadedModelSchema>;

export const uploadModelOperation = operation({
  id: "uploadModel",
  method: "POST",
  path: "/api/admin/models",
  tag: "Models",
  access: "admin",
  summary: "Upload a model (artifact zip, or an ONNX model from any framework); it is registered and benchmarked",
  description:
    "Nothing is stored unless the zip is safe (no `..`, absolute or nested paths; entry and size limits), the manifest is valid, every weight file matches its sha256, the dataset tag exists and the ML core loads the model. Form fields override the manifest. An ONNX model (a .onnx file or a zip with one) needs `layout`, `scale`, `polarity` and `output`; it must parse, use only standard operators, embed its weights, stay within size and operator limits, match the declared input and output shapes and answer a sample batch with ten probabilities per image.",
  rawBodies: { "multipart/form-data": uploadFormSchema },
  responses: { 201: { description: "Registered (and queued for its benchmark)", json: uploadedModelSchema } },
  errors: {
    400: { description: "Unparseable multipart body", codes: ["invalid_form", "request_aborted"] },
    413: { description: "Larger than UPLOAD_MAX_BYTES", codes: ["payload_too_large"] },
    422: {
      description: "Refused, with the reason",
      codes: [
        "validation_failed",
        "invalid_model",
        "onnx_unreadable",
        "onnx_custom_op",
        "onnx_too_many_ops",
        "onnx_external_data",
        "onnx_tensor_too_large",
        "onnx_input_mismatch",
        "onnx_output_mismatch",
        "onnx_run_failed",
      ],
    },
  },
});

export const downloadArtifactOperation = operation({
  id: "downloadArtifact",
  method: "GET",
  path: "/api/models/versions/{id}/artifact",
  tag: "Models",
  access: "viewer",
  summary: "A model version's artifact (manifest.json and weights) as a zip, or with ?format=onnx its ONNX form alone, verified against its checksums",
  params: z.object({ id: idParam }),
  query: z.object({
    format: z.enum(["zip", "onnx"]).default("zip").meta({ description: "zip: the whole artifact; onnx: the model.onnx it carries (runs on any ONNX Runtime)" }),
  }),
  responses: {
    200: {
      description: "The artifact, or its ONNX form",
      media: { "application/zip": "manifest.json and the weight files", "application/octet-stream": "model.onnx (ONNX, opset 13)" },
    },
  },
  errors: {
    404: { description: "No such model version", codes: ["not_found"] },
    409: { description: "The version has no ONNX form (decision trees, models registered before ONNX export)", codes: ["no_onnx_form"] },
  },
});
