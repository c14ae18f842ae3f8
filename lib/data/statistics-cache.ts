import type { ObjectStore } from "@/lib/storage";
import type { Snapshot } from "./snapshot";
import { datasetStatistics } from "./statistics";
import { loadSnapshot } from "./tags";

const MAX_CACHED = 16;
const SHARED_LOAD_MS = 30_000;

// Several caches (statistics, drift profiles) ask for the same version's snapshot at once
// when a dataset page renders: one load serves them all, and stays shared a little while.
const loads = new Map<string, Promise<Snapshot>>();

function sharedSnapshot(store: ObjectStore, version: { snapshotKey: string }): Promise<Snapshot> {
  const key = version.snapshotKey;
  let load = loads.get(key);
  if (!load) {
    load = loadSnapshot(store, version);
    loads.set(key, load);
    const forget = () => void setTimeout(() => loads.delete(key), SHARED_LOAD_MS).unref();
    load.then(forget, () => loads.delete(key));
  }
  return load;
}

/**
 * Wraps a computation over a dataset version's snapshot so that it runs once per version
 * and process. Versions are immutable (content-hashed), so the results never go stale.
 */
export function perVersionCache<T>(compute: (snapshot: Snapshot) => T): (store: ObjectStore, version: { snapshotKey: string }) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (store, version) => {
    let entry = cache.get(version.snapshotKey);
    if (!entry) {
      entry = sharedSnapshot(store, version).then(compute);
      entry.catch(() => cache.delete(version.snapshotKey));
      cache.set(version.snapshotKey, entry);
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    }
    return entry;
  };
}

/** Statistics of a dataset version, computed once per process. */
export const versionStatistics = perVersionCache(datasetStatistics);
