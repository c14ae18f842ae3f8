import { ApiError, formFile, readMultipartForm } from "@/lib/http";
import { uploadMetadataSchema, type UploadMetadata } from "./upload";

const FIELDS = ["name", "author", "datasetTag", "algorithm", "metrics", "layout", "scale", "polarity", "output", "labels"] as const;

/**
 * `POST /api/admin/models`: a multipart form with `file` (an artifact zip, or an ONNX model)
 * and metadata fields (overriding an artifact's manifest; describing an ONNX model's input
 * and output). Everything wrong with the request is a named 4xx.
 */
export async function parseUploadRequest(
  request: Request,
  maxBytes: number,
): Promise<{ upload: { bytes: Uint8Array; fileName: string }; metadata: UploadMetadata }> {
  const form = await readMultipartForm(request, maxBytes);
  const file = formFile(form, "file");
  if (!file) throw new ApiError(422, "validation_failed", 'file: attach the model (an artifact zip or a .onnx file) in the "file" field');
  if (file.size > maxBytes) throw new ApiError(413, "payload_too_large", `file is ${file.size} bytes; the limit is ${maxBytes} bytes`);
  const fields: Record<string, string> = {};
  for (const name of FIELDS) {
    const value = form.get(name);
    if (typeof value === "string" && value.trim()) fields[name] = value;
  }
  const metadata = uploadMetadataSchema.safeParse(fields);
  if (!metadata.success) throw new ApiError(422, "validation_failed", metadata.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return {
    upload: { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file instanceof File && file.name ? file.name : "model" },
    metadata: metadata.data,
  };
}
