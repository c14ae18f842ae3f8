import { config } from "@/lib/config";
import { LocalObjectStore, sha256Hex } from "./local";
import type { ObjectStore } from "./types";

export type { ObjectInfo, ObjectStore, PutOptions } from "./types";
export { InvalidObjectKeyError, ObjectNotFoundError } from "./types";
export { LocalObjectStore, sha256Hex };

let store: ObjectStore | undefined;

/** The process-wide object store chosen by config (STORAGE_DRIVER). */
export function objectStore(): ObjectStore {
  if (!store) {
    const { storage } = config();
    store = new LocalObjectStore(storage.dir);
  }
  return store;
}
