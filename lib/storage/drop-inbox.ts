import type { ObjectInfo, ObjectStore } from "./types";

/** Where people drop models and labelled data for the lab to take in, and where refused drops go. */
export const DROP_PREFIX = "drop";
export const REJECTED_PREFIX = "rejected";

/** The entries of the drop: `drop/<name>` files and `drop/<folder>/` folders, each with its objects. */
export function dropEntries(objects: ObjectInfo[]): Map<string, ObjectInfo[]> {
  const entries = new Map<string, ObjectInfo[]>();
  for (const object of objects) {
    const rest = object.key.slice(DROP_PREFIX.length + 1);
    const entry = rest.includes("/") ? rest.slice(0, rest.indexOf("/")) : rest;
    entries.set(entry, [...(entries.get(entry) ?? []), object]);
  }
  return entries;
}

/** An object's path inside its drop entry ("" for an entry that is a single file). */
export const pathInEntry = (entry: string, object: ObjectInfo) => object.key.slice(DROP_PREFIX.length + 1 + entry.length + 1);

/** Moves a drop entry to `rejected/<time>-<entry>/` with a REJECTED.txt that says why. */
export async function rejectDropEntry(store: ObjectStore, entry: string, objects: ObjectInfo[], reason: string, now = Date.now()): Promise<void> {
  const target = `${REJECTED_PREFIX}/${new Date(now).toISOString().replace(/[:.]/g, "-")}-${entry}`;
  for (const object of objects) await store.put(`${target}/${pathInEntry(entry, object) || entry}`, await store.get(object.key));
  await store.put(`${target}/REJECTED.txt`, Buffer.from(`${reason}\n`), { contentType: "text/plain" });
  for (const object of objects) await store.delete(object.key);
}
