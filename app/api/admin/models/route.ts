import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { parseUploadRequest, registerUploadedModel, uploadModelOperation, type UploadedModel } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

/** A model zip with optional metadata overriding its manifest: 201 with the new version, or a 4xx with the reason and nothing stored. */
export const POST = route(uploadModelOperation, async ({ request }) => {
  const user = await requireAdminRequest(request);
  const { upload, metadata } = await parseUploadRequest(request, config().upload.maxBytes);
  const version = await registerUploadedModel(await getDb(), objectStore(), upload, metadata, user.name);
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "upload", modelVersionId: version.id });
  const body: UploadedModel = {
    id: version.id,
    name: version.artifactKey.split("/")[1],
    version: version.version,
    algorithm: version.algorithm,
    datasetTag: version.datasetTag,
    url: `/models/${version.id}`,
  };
  return NextResponse.json(body, { status: 201 });
});
