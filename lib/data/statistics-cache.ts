import type { ObjectStore } from "@/lib/storage";
import { datasetStatistics, type DatasetStatistics } from "./statistics";
import { loadSnapshot } from "./tags";

// Versions are immutable (content-hashed), so their statistics never go stale.
const cache = new Map<string, Promise<DatasetStatistics>>();
const MAX_CACHED = 16;

/** Statistics of a dataset version, computed once per process. */
export function versionStatistics(store: ObjectStore, version: { snapshotKey: string }): Promise<DatasetStatistics> {
  let entry = cache.get(version.snapshotKey);
  if (!entry) {
    entry = loadSnapshot(store, version).then(datasetStatistics);
    entry.catch(() => cache.delete(version.snapshotKey));
    cache.set(version.snapshotKey, entry);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  return entry;
}
