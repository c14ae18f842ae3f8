import { NextResponse } from "next/server";
import { sendEvent } from "@/jobs";
import { requireAdminRequest } from "@/lib/auth";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
import { BENCHMARKS_REQUESTED } from "@/lib/jobs";
import { registerUploadedModel, uploadMetadataSchema, UploadRejectedError } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const FIELDS = ["name", "author", "datasetTag", "algorithm", "metrics"] as const;

/**
 * Manual model upload (admin): multipart form with `file` (a zip of the artifact folder)
 * and optional metadata fields overriding the manifest. 201 with the new version; 4xx with
 * the reason, and nothing stored, when anything is wrong.
 */
export async function POST(request: Request) {
  try {
    const user = await requireAdminRequest(request);
    const { maxBytes } = config().upload;
    const type = request.headers.get("content-type") ?? "";
    if (!type.startsWith("multipart/form-data")) throw new ApiError(415, "unsupported_media_type", 'Send multipart/form-data with a "file" field (the artifact zip)');
    // Multipart framing adds a little to the file itself.
    const body = await readBodyLimited(request, maxBytes + 64 * 1024);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
    } catch {
      throw new ApiError(400, "invalid_form", "The multipart body could not be parsed");
    }
    const file = form.get("file");
    if (!(file instanceof Blob) || file.size === 0) throw new ApiError(422, "validation_failed", 'file: attach the model as a zip in the "file" field');
    if (file.size > maxBytes) throw new ApiError(413, "payload_too_large", `file is ${file.size} bytes; the limit is ${maxBytes} bytes`);
    const fields: Record<string, string> = {};
    for (const name of FIELDS) {
      const value = form.get(name);
      if (typeof value === "string" && value.trim()) fields[name] = value;
    }
    const metadata = uploadMetadataSchema.safeParse(fields);
    if (!metadata.success) throw new ApiError(422, "validation_failed", metadata.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));

    let version;
    try {
      version = await registerUploadedModel(await getDb(), objectStore(), new Uint8Array(await file.arrayBuffer()), metadata.data, user.name);
    } catch (error) {
      if (error instanceof UploadRejectedError) throw new ApiError(422, "invalid_model", error.reason);
      throw error;
    }
    await sendEvent(BENCHMARKS_REQUESTED, { reason: "upload", modelVersionId: version.id });
    return NextResponse.json(
      { id: version.id, name: version.artifactKey.split("/")[1], version: version.version, algorithm: version.algorithm, datasetTag: version.datasetTag, url: `/models/${version.id}` },
      { status: 201 },
    );
  } catch (error) {
    return errorResponse(error, "POST /api/admin/models");
  }
}
