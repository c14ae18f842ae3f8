import { isLabelledBatchFolder } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { artifactFromZip, getArtifact, MANIFEST_FILE, type ModelArtifact } from "@/lib/ml";
import { DROP_PREFIX, dropEntries, pathInEntry, rejectDropEntry, type ObjectStore } from "@/lib/storage";
import { registerModelVersion, type ModelVersion } from "./versions";

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
        if (!entry.endsWith(".zip")) throw new Error(`${entry} is neither a .zip nor a folder`);
        artifact = artifactFromZip(await store.get(objects[0].key));
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
