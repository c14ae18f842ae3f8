import { getDb } from "@/lib/db";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { parseId } from "@/lib/http/params";
import { getArtifact } from "@/lib/ml/artifact";
import { artifactToZip } from "@/lib/ml/artifact-zip";
import { getModelVersion } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A model version's artifact (manifest.json + weights) as a zip, verified before it is sent. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const id = parseId((await params).id);
    const version = await getModelVersion(await getDb(), id);
    if (!version) throw new ApiError(404, "not_found", `No model version ${id}`);
    const zip = artifactToZip(await getArtifact(objectStore(), version.artifactKey));
    return new Response(Buffer.from(zip), {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${version.name}-${version.version}.zip"`,
        "content-length": String(zip.byteLength),
      },
    });
  } catch (error) {
    return errorResponse(error, "GET /api/models/versions/[id]/artifact");
  }
}
