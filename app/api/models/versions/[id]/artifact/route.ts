import { getDb } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { parseId } from "@/lib/http/params";
import { download } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getArtifact } from "@/lib/ml/artifact";
import { artifactToZip } from "@/lib/ml/artifact-zip";
import { getModelVersion } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

type Context = { params: Promise<{ id: string }> };

/** A model version's artifact (manifest.json + weights) as a zip, verified before it is sent. */
export const GET = route<Context>({}, async (_request, { params }) => {
  const id = parseId((await params).id);
  const version = await getModelVersion(await getDb(), id);
  if (!version) throw new ApiError(404, "not_found", `No model version ${id}`);
  return download(artifactToZip(await getArtifact(objectStore(), version.artifactKey)), "application/zip", `${version.name}-${version.version}.zip`);
});
