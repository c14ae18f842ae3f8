import { isLabelledBatchFolder } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { artifactFromFlatFiles, getArtifact, MANIFEST_FILE, readFlatZip, type ModelArtifact } from "@/lib/ml";
import { DROP_PREFIX, dropEntries, pathInEntry, rejectDropEntry, type ObjectStore } from "@/lib/storage";
import { onnxFromFiles, uploadMetadataSchema, verifyModelRuns } from "./upload";
import { registerModelVersion, type ModelVersion } from "./versions";

/** Beside a dropped ONNX model: what it takes and gives, as the upload form's fields (layout, scale, polarity, output, and optionally name, labels …). */
export const ONNX_DROP_METADATA = "metadata.json";

/** A dropped ONNX model: a folder or zip with one .onnx and metadata.json. */
async function onnxDrop(files: Record<string, Uint8Array>): Promise<ModelArtifact> {
  const metadataBytes = files[ONNX_DROP_METADATA];
  if (!metadataBytes)
    throw new Error(`an ONNX model needs a ${ONNX_DROP_METADATA} beside it with its layout, scale, polarity and output (as the upload form asks)`);
  delete files[ONNX_DROP_METADATA];
  let metadata;
  try {
    metadata = uploadMetadataSchema.parse(JSON.parse(Buffer.from(metadataBytes).toString("utf8")));
  } catch (error) {
    throw new Error(`${ONNX_DROP_METADATA} is not valid: ${(error as Error).message}`);
  }
  const artifact = onnxFromFiles(files, metadata, "drop");
  await verifyModelRuns(artifact);
  return artifact;
}

const isOnnxFolder = (names: string[]) => names.some((n) => n.toLowerCase().endsWith(".onnx")) && !names.includes(MANIFEST_FILE);

const log = createLogger("registry.drop");

/** An incomplete directory (weights still uploading) is given this long before rejection. */
const INCOMPLETE_GRACE_MS = 10 * 60 * 1000;

export interface DropResult {
  registered: Array<{ entry: string; version: ModelVersion }>;
  rejected: Array<{ entry: string; reason: string }>;
  waiting: string[];
}

/**
 * Scans the object store's drop prefix: valid model artifacts (zip or directory) are
 * registered and removed from the drop; invalid ones move to the rejected prefix with a
 * REJECTED.txt that says why (also logged). Directories still missing files wait a while.
 */
export async function pollModelDrops(db: Db, store: ObjectStore, now = Date.now()): Promise<DropResult> {
  const result: DropResult = { registered: [], rejected: [], waiting: [] };
  for (const [entry, objects] of dropEntries(await store.list(DROP_PREFIX))) {
    // Labelled data dropped beside models is the data poll's (lib/data pollDataDrops).
    if (isLabelledBatchFolder(objects.map((o) => pathInEntry(entry, o)))) continue;
    let artifact: ModelArtifact;
    try {
      if (objects.length === 1 && objects[0].key === `${DROP_PREFIX}/${entry}`) {
        if (entry.toLowerCase().endsWith(".onnx"))
          throw new Error(`a bare .onnx cannot say what its input is: put it in a folder (or zip) with a ${ONNX_DROP_METADATA}`);
        if (!entry.endsWith(".zip")) throw new Error(`${entry} is neither a .zip nor a folder`);
        const files = readFlatZip(await store.get(objects[0].key));
        artifact = isOnnxFolder(Object.keys(files)) ? await onnxDrop(files) : artifactFromFlatFiles(files);
      } else if (isOnnxFolder(objects.map((o) => pathInEntry(entry, o)))) {
        const names = objects.map((o) => pathInEntry(entry, o));
        if (!names.includes(ONNX_DROP_METADATA) && now - Math.max(...objects.map((o) => o.modifiedAt.getTime())) < INCOMPLETE_GRACE_MS) {
          result.waiting.push(entry);
          continue;
        }
        const files: Record<string, Uint8Array> = {};
        for (const object of objects) files[pathInEntry(entry, object)] = await store.get(object.key);
        artifact = await onnxDrop(files);
      } else {
        const hasManifest = objects.some((o) => o.key === `${DROP_PREFIX}/${entry}/${MANIFEST_FILE}`);
        try {
          artifact = await getArtifact(store, `${DROP_PREFIX}/${entry}`);
        } catch (error) {
          const missing = /missing/.test((error as Error).message);
          const newest = Math.max(...objects.map((o) => o.modifiedAt.getTime()));
          if ((missing || !hasManifest) && now - newest < INCOMPLETE_GRACE_MS) {
            result.waiting.push(entry);
            continue;
          }
          throw error;
        }
      }
    } catch (error) {
      const reason = (error as Error).message;
      log.warn(`rejected dropped model ${entry}: ${reason}`, { entry });
      await rejectDropEntry(store, entry, objects, reason);
      result.rejected.push({ entry, reason });
      continue;
    }
    const version = await registerModelVersion(db, store, { artifact: { ...artifact, manifest: { ...artifact.manifest, version: undefined } } });
    for (const object of objects) await store.delete(object.key);
    log.info(`registered dropped model ${entry} as ${artifact.manifest.name}@${version.version}`);
    result.registered.push({ entry, version });
  }
  return result;
}
