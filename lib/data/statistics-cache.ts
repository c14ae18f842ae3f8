import type { ObjectStore } from "@/lib/storage";
import type { Snapshot } from "./snapshot";
import { datasetStatistics } from "./statistics";
import { loadSnapshot } from "./tags";

const MAX_CACHED = 16;

/**
 * Wraps a computation over a dataset version's snapshot so that it runs once per version
 * and process. Versions are immutable (content-hashed), so the results never go stale.
 */
export function perVersionCache<T>(compute: (snapshot: Snapshot) => T): (store: ObjectStore, version: { snapshotKey: string }) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (store, version) => {
    let entry = cache.get(version.snapshotKey);
    if (!entry) {
      entry = loadSnapshot(store, version).then(compute);
      entry.catch(() => cache.delete(version.snapshotKey));
      cache.set(version.snapshotKey, entry);
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    }
    return entry;
  };
}

/** Statistics of a dataset version, computed once per process. */
export const versionStatistics = perVersionCache(datasetStatistics);
