import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http/route";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { parseUploadRequest, registerUploadedModel } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

/**
 * Manual model upload (admin): multipart form with `file` (a zip of the artifact folder) and
 * optional metadata fields overriding the manifest. 201 with the new version; 4xx with the
 * reason, and nothing stored, when anything is wrong.
 */
export const POST = route({ accepts: ["multipart/form-data"] }, async (request) => {
  const user = await requireAdminRequest(request);
  const { zip, metadata } = await parseUploadRequest(request, config().upload.maxBytes);
  const version = await registerUploadedModel(await getDb(), objectStore(), zip, metadata, user.name);
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "upload", modelVersionId: version.id });
  const { id, datasetTag, algorithm } = version;
  return NextResponse.json({ id, name: version.artifactKey.split("/")[1], version: version.version, algorithm, datasetTag, url: `/models/${id}` }, { status: 201 });
});
