/** The object store (artifacts, snapshots, image blobs): the interface, the local driver, the process's store. */
export { LocalObjectStore, sha256Hex } from "./local";
export { DROP_PREFIX, dropEntries, pathInEntry, rejectDropEntry, REJECTED_PREFIX } from "./drop-inbox";
export { objectStore } from "./store";
export { InvalidObjectKeyError, ObjectNotFoundError, type ObjectInfo, type ObjectStore, type PutOptions } from "./types";
