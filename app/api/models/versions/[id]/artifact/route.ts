import { getDb } from "@/lib/db";
import { ApiError, download, route } from "@/lib/http";
import { artifactToZip, getArtifact } from "@/lib/ml";
import { downloadArtifactOperation, getModelVersion } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

export const GET = route(downloadArtifactOperation, async ({ params: { id } }) => {
  const version = await getModelVersion(await getDb(), id);
  if (!version) throw new ApiError(404, "not_found", `No model version ${id}`);
  return download(artifactToZip(await getArtifact(objectStore(), version.artifactKey)), "application/zip", `${version.name}-${version.version}.zip`);
});
