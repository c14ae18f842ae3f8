import { config } from "@/lib/config";
import { LocalObjectStore } from "./local";
import type { ObjectStore } from "./types";

let store: ObjectStore | undefined;

/** The process-wide object store chosen by config (STORAGE_DRIVER). */
export function objectStore(): ObjectStore {
  if (!store) {
    const { storage } = config();
    store = new LocalObjectStore(storage.dir);
  }
  return store;
}
