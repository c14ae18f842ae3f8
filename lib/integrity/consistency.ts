import { inArray, sql } from "drizzle-orm";
import { datasetImports, datasetRecords, datasetVersions, modelVersions } from "@/db/schema";
import { decodeSnapshot } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { getArtifact, MANIFEST_FILE, parseManifest } from "@/lib/ml";
import type { ObjectInfo, ObjectStore } from "@/lib/storage";

const log = createLogger("integrity");

/**
 * The database and the object store agree when every key a row names is there and whole,
 * and every object under a managed prefix is named by some row. Writers store objects
 * before committing the rows that name them, so a crash can leave only the second kind of
 * fault (orphans) plus temporary files of unfinished writes; a missing or corrupt object
 * means something else went wrong and is never "repaired" by deleting rows.
 */
export type ProblemKind = "missing" | "corrupt" | "orphan" | "partial";

export interface Problem {
  kind: ProblemKind;
  /** Object key, or the temporary file's name for partial writes. */
  key: string;
  detail: string;
}

export interface ConsistencyReport {
  checkedRows: number;
  checkedObjects: number;
  problems: Problem[];
  /** Orphans and partial writes younger than the grace period: probably a write in progress. */
  inFlight: number;
}

export interface CheckOptions {
  /** Also read every model artifact and snapshot and verify checksums and sizes. */
  deep?: boolean;
  /** Orphans and partial writes younger than this are taken to be in progress. Default 15 min. */
  graceMs?: number;
  now?: number;
}

export const DEFAULT_GRACE_MS = 15 * 60 * 1000;

/** Prefixes whose objects belong to rows; anything else (drop/, rejected/) is an inbox for people. */
const MANAGED_PREFIXES = ["models", "snapshots", "sources", "imports"] as const;

export async function checkConsistency(db: Db, store: ObjectStore, options: CheckOptions = {}): Promise<ConsistencyReport> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const now = options.now ?? Date.now();
  const problems: Problem[] = [];
  let inFlight = 0;

  const versions = await db
    .select({ id: modelVersions.id, artifactKey: modelVersions.artifactKey, weightsSha256: modelVersions.weightsSha256 })
    .from(modelVersions);
  const snapshots = await db
    .select({ id: datasetVersions.id, snapshotKey: datasetVersions.snapshotKey, recordCount: datasetVersions.recordCount })
    .from(datasetVersions);
  const imageKeys = (await db.selectDistinct({ key: datasetRecords.imageKey }).from(datasetRecords)).map((r) => r.key);
  const [{ n: recordRows }] = await db.select({ n: sql<number>`count(*)` }).from(datasetRecords);
  // Uploads wait under imports/ until their import has run; a finished import deletes them.
  const waitingUploads = (
    await db
      .select({ keys: datasetImports.uploadKeys })
      .from(datasetImports)
      .where(inArray(datasetImports.status, ["pending", "running"]))
  ).flatMap((r) => r.keys);

  const objects = new Map<string, ObjectInfo>();
  for (const prefix of MANAGED_PREFIXES) for (const object of await store.list(prefix)) objects.set(object.key, object);
  const referenced = new Set<string>();
  const missing = (key: string, detail: string) => problems.push({ kind: "missing", key, detail });

  for (const v of versions) {
    const manifestKey = `${v.artifactKey}/${MANIFEST_FILE}`;
    referenced.add(manifestKey);
    const manifestObject = objects.get(manifestKey);
    if (!manifestObject) {
      missing(manifestKey, `model version ${v.id} names this artifact`);
      continue;
    }
    let weightPaths: string[];
    try {
      const manifest = parseManifest(JSON.parse((await store.get(manifestKey)).toString("utf8")));
      weightPaths = manifest.weights.map((w) => w.path);
      if (manifest.weightsSha256 !== v.weightsSha256)
        problems.push({ kind: "corrupt", key: manifestKey, detail: `weights checksum differs from model version ${v.id}'s` });
    } catch (error) {
      problems.push({ kind: "corrupt", key: manifestKey, detail: (error as Error).message });
      continue;
    }
    for (const p of weightPaths) {
      referenced.add(`${v.artifactKey}/${p}`);
      if (!objects.has(`${v.artifactKey}/${p}`)) missing(`${v.artifactKey}/${p}`, `listed in the manifest of model version ${v.id}`);
    }
    if (options.deep && weightPaths.every((p) => objects.has(`${v.artifactKey}/${p}`))) {
      await getArtifact(store, v.artifactKey).catch((error: Error) => problems.push({ kind: "corrupt", key: v.artifactKey, detail: error.message }));
    }
  }

  for (const s of snapshots) {
    referenced.add(s.snapshotKey);
    if (!objects.has(s.snapshotKey)) {
      missing(s.snapshotKey, `dataset version ${s.id} names this snapshot`);
    } else if (options.deep) {
      try {
        const count = decodeSnapshot(await store.get(s.snapshotKey)).count;
        if (count !== s.recordCount) throw new Error(`holds ${count} images, dataset version ${s.id} says ${s.recordCount}`);
      } catch (error) {
        problems.push({ kind: "corrupt", key: s.snapshotKey, detail: (error as Error).message });
      }
    }
  }

  for (const key of waitingUploads) {
    referenced.add(key);
    if (!objects.has(key)) missing(key, "a queued import waits for this upload");
  }

  for (const key of imageKeys) {
    referenced.add(key);
    if (!objects.has(key)) missing(key, "dataset records point into this image blob");
  }

  const young = (modifiedAt: Date) => now - modifiedAt.getTime() < graceMs;
  for (const object of objects.values()) {
    if (referenced.has(object.key)) continue;
    if (young(object.modifiedAt)) inFlight++;
    else problems.push({ kind: "orphan", key: object.key, detail: `${object.bytes} bytes that no row names` });
  }
  for (const partial of await store.partialWrites()) {
    if (partial.writerAlive && young(partial.modifiedAt)) inFlight++;
    else
      problems.push({
        kind: "partial",
        key: partial.name,
        detail: `${partial.bytes} bytes of a write that never finished${partial.writerAlive ? "" : " (its process is gone)"}`,
      });
  }

  return { checkedRows: versions.length + snapshots.length + Number(recordRows), checkedObjects: objects.size, problems, inFlight };
}

export interface RepairResult {
  removed: Problem[];
  /** Missing and corrupt objects: deleting rows would lose history, so a person decides. */
  remaining: Problem[];
}

/** Removes orphans and dead partial writes; reports what it cannot repair. */
export async function repairConsistency(db: Db, store: ObjectStore, options: CheckOptions = {}): Promise<RepairResult> {
  const report = await checkConsistency(db, store, options);
  const removed: Problem[] = [];
  const remaining: Problem[] = [];
  for (const problem of report.problems) {
    if (problem.kind === "orphan") await store.delete(problem.key);
    else if (problem.kind === "partial") await store.removePartialWrite(problem.key);
    else {
      remaining.push(problem);
      continue;
    }
    removed.push(problem);
  }
  if (removed.length) log.info(`removed ${removed.length} orphaned or half-written object(s)`, { keys: removed.slice(0, 20).map((p) => p.key) });
  if (remaining.length) log.error(`${remaining.length} object(s) missing or corrupt`, { problems: remaining.slice(0, 20) });
  return { removed, remaining };
}
