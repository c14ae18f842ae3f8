import { getDb } from "@/lib/db";
import { ApiError, download, route } from "@/lib/http";
import { artifactToZip, getArtifact, ONNX_FILE } from "@/lib/ml";
import { downloadArtifactOperation, getModelVersion } from "@/lib/registry";
import { objectStore } from "@/lib/storage";

export const GET = route(downloadArtifactOperation, async ({ params: { id }, query }) => {
  const version = await getModelVersion(await getDb(), id);
  if (!version) throw new ApiError(404, "not_found", `No model version ${id}`);
  const artifact = await getArtifact(objectStore(), version.artifactKey);
  if (query.format === "zip") return download(artifactToZip(artifact), "application/zip", `${version.name}-${version.version}.zip`);
  const onnxModel = artifact.files[ONNX_FILE];
  if (!onnxModel) throw new ApiError(409, "no_onnx_form", `${version.name}@${version.version} has no ONNX form (${artifact.manifest.runtime})`);
  return download(onnxModel, "application/octet-stream", `${version.name}-${version.version}.onnx`);
});
