import { createHash } from "node:crypto";
import { and, asc, desc, eq, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { datasetRecords, datasetSources, datasetTags, datasetVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { decodeSnapshot, encodeSnapshot, type Snapshot } from "./snapshot";
import type { TagQuery } from "./types";

const log = createLogger("data.tags");

export type DatasetVersion = typeof datasetVersions.$inferSelect;

export const FEEDBACK_SOURCE = "feedback";
export const FEEDBACK_TAG = "kmnist-feedback";
/** The default training tag: KMNIST's train split, and the train part of each imported source as it arrives. */
export const TRAINING_TAG = "training";

export const DEFAULT_TAGS: Array<{ name: string; description: string; query: TagQuery; followedByAll?: boolean }> = [
  {
    name: "kmnist-train",
    description: "KMNIST training split (official train, or the offline protocol's 8,000)",
    query: { sources: ["kmnist"], split: "train" },
  },
  {
    name: "kmnist-holdout",
    description: "KMNIST holdout split (official test, or the offline protocol's 2,000)",
    query: { sources: ["kmnist"], split: "holdout" },
  },
  {
    name: TRAINING_TAG,
    description: "What the pipeline trains on: KMNIST's train split and the train part of every imported source",
    query: { sources: ["kmnist"], split: "train" },
  },
  {
    name: FEEDBACK_TAG,
    description: "Characters people drew, labelled by their feedback on the prediction (confirmed or corrected); every model is benchmarked on it",
    query: { sources: [FEEDBACK_SOURCE] },
    followedByAll: true,
  },
];

export async function seedDefaultTags(db: Db): Promise<void> {
  await db.insert(datasetTags).values(DEFAULT_TAGS).onConflictDoNothing();
}

export class UnknownTagError extends Error {
  constructor(public readonly tag: string) {
    super(`Unknown dataset tag "${tag}"`);
    this.name = "UnknownTagError";
  }
}

export class EmptyTagError extends Error {
  constructor(public readonly tag: string) {
    super(`Dataset tag "${tag}" matches no records; import data first`);
    this.name = "EmptyTagError";
  }
}

/**
 * The official split applies when the sources hold records from the official train file;
 * otherwise the offline protocol's split of the test file does.
 */
async function protocolFor(db: Db, sourceIds: number[]): Promise<"official" | "offline"> {
  if (sourceIds.length === 0) return "offline";
  const rows = await db
    .select({ id: datasetRecords.id })
    .from(datasetRecords)
    .where(and(inArray(datasetRecords.sourceId, sourceIds), eq(datasetRecords.officialSplit, "train")))
    .limit(1);
  return rows.length > 0 ? "official" : "offline";
}

function splitCondition(split: TagQuery["split"], protocol: "official" | "offline"): SQL | undefined {
  if (!split) return undefined;
  if (protocol === "official") return eq(datasetRecords.officialSplit, split === "train" ? "train" : "test");
  return eq(datasetRecords.offlineSplit, split);
}

export function contentHashOf(members: Array<{ source: string; sourceKey: string; label: number }>): string {
  const hash = createHash("sha256");
  for (const m of members) hash.update(`${m.source}/${m.sourceKey}:${m.label}\n`);
  return hash.digest("hex");
}

/**
 * Resolves a tag's saved query to an immutable version. Same members → same content
 * hash → the existing version is returned (`created: false`); a new member set gets a new
 * version with its snapshot stored once in the object store.
 */
export async function resolveTag(db: Db, store: ObjectStore, tagName: string): Promise<{ version: DatasetVersion; created: boolean }> {
  const [tag] = await db.select().from(datasetTags).where(eq(datasetTags.name, tagName));
  if (!tag) throw new UnknownTagError(tagName);
  const query = tag.query;
  const sources = await db.select().from(datasetSources).where(inArray(datasetSources.name, query.sources));
  const protocol = await protocolFor(
    db,
    sources.map((s) => s.id),
  );

  // The split is read per source: KMNIST by its protocol, every other source by the hash
  // split its records were given (a mixed tag must not flip KMNIST to the official protocol).
  const protocols = await Promise.all(sources.map((s) => protocolFor(db, [s.id])));
  const bySource = query.split ? or(...sources.map((s, i) => and(eq(datasetRecords.sourceId, s.id), splitCondition(query.split, protocols[i])))) : undefined;
  const conditions = [
    inArray(datasetRecords.sourceId, sources.length ? sources.map((s) => s.id) : [-1]),
    bySource,
    query.classes?.length ? inArray(datasetRecords.label, query.classes) : undefined,
    query.from ? gte(datasetRecords.createdAt, new Date(query.from)) : undefined,
    query.to ? lte(datasetRecords.createdAt, new Date(query.to)) : undefined,
  ].filter((c): c is SQL => c !== undefined);

  const members = await db
    .select({
      source: datasetSources.name,
      sourceKey: datasetRecords.sourceKey,
      label: datasetRecords.label,
      imageKey: datasetRecords.imageKey,
      imageIndex: datasetRecords.imageIndex,
    })
    .from(datasetRecords)
    .innerJoin(datasetSources, eq(datasetSources.id, datasetRecords.sourceId))
    .where(and(...conditions))
    // Byte-wise collation: the hash must not depend on the server's locale.
    .orderBy(sql`${datasetSources.name} collate "C"`, sql`${datasetRecords.sourceKey} collate "C"`);
  if (members.length === 0) throw new EmptyTagError(tagName);

  const contentHash = contentHashOf(members);
  const [existing] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.tagId, tag.id), eq(datasetVersions.contentHash, contentHash)));
  if (existing) return { version: existing, created: false };

  const snapshotKey = `snapshots/${contentHash}.ksnp`;
  if (!(await store.head(snapshotKey))) {
    const labels = new Uint8Array(members.length);
    const images = new Uint8Array(members.length * IMAGE_PIXELS);
    const sourceImages = new Map<string, Buffer>();
    for (let i = 0; i < members.length; i++) {
      const m = members[i];
      let blob = sourceImages.get(m.imageKey);
      if (!blob) {
        blob = await store.get(m.imageKey);
        sourceImages.set(m.imageKey, blob);
      }
      labels[i] = m.label;
      images.set(blob.subarray(m.imageIndex * IMAGE_PIXELS, (m.imageIndex + 1) * IMAGE_PIXELS), i * IMAGE_PIXELS);
    }
    await store.put(snapshotKey, encodeSnapshot({ count: members.length, labels, images }));
  }
  const classCounts = new Array<number>(NUM_CLASSES).fill(0);
  for (const m of members) classCounts[m.label]++;

  const inserted = await db
    .insert(datasetVersions)
    .values({ tagId: tag.id, contentHash, protocol, recordCount: members.length, classCounts, snapshotKey })
    .onConflictDoNothing()
    .returning();
  if (inserted.length > 0) {
    log.info(`new version of ${tagName}`, { contentHash, records: members.length, protocol });
    return { version: inserted[0], created: true };
  }
  // Another process resolved the same content concurrently.
  const [raced] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.tagId, tag.id), eq(datasetVersions.contentHash, contentHash)));
  return { version: raced, created: false };
}

export async function latestVersion(db: Db, tagName: string): Promise<DatasetVersion | null> {
  const [row] = await db
    .select({ version: datasetVersions })
    .from(datasetVersions)
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(eq(datasetTags.name, tagName))
    .orderBy(desc(datasetVersions.createdAt), desc(datasetVersions.id))
    .limit(1);
  return row?.version ?? null;
}

export async function loadSnapshot(store: ObjectStore, version: Pick<DatasetVersion, "snapshotKey">): Promise<Snapshot> {
  return decodeSnapshot(await store.get(version.snapshotKey));
}

export interface TagSummary {
  name: string;
  description: string;
  versions: number;
  latest: DatasetVersion | null;
}

export async function listTags(db: Db): Promise<TagSummary[]> {
  const tags = await db.select().from(datasetTags).orderBy(asc(datasetTags.name));
  const versions = await db.select().from(datasetVersions).orderBy(desc(datasetVersions.createdAt), desc(datasetVersions.id));
  return tags.map((tag) => {
    const own = versions.filter((v) => v.tagId === tag.id);
    return { name: tag.name, description: tag.description, versions: own.length, latest: own[0] ?? null };
  });
}

/** A tag and all its versions, newest first; null when the tag does not exist. */
export async function tagWithVersions(db: Db, tagName: string) {
  const [tag] = await db.select().from(datasetTags).where(eq(datasetTags.name, tagName));
  if (!tag) return null;
  const versions = await db
    .select()
    .from(datasetVersions)
    .where(eq(datasetVersions.tagId, tag.id))
    .orderBy(desc(datasetVersions.createdAt), desc(datasetVersions.id));
  return { ...tag, versions };
}

/** Tags that are not archived, each with its versions newest first (id, time, size): what a training run may be asked to use. */
export async function trainableTags(db: Db): Promise<Array<{ name: string; versions: Array<{ id: number; createdAt: string; recordCount: number }> }>> {
  const tags = await db.select().from(datasetTags).where(eq(datasetTags.archived, false)).orderBy(asc(datasetTags.name));
  const versions = await db
    .select({ id: datasetVersions.id, tagId: datasetVersions.tagId, createdAt: datasetVersions.createdAt, recordCount: datasetVersions.recordCount })
    .from(datasetVersions)
    .orderBy(desc(datasetVersions.id));
  return tags.map((tag) => ({
    name: tag.name,
    versions: versions.filter((v) => v.tagId === tag.id).map((v) => ({ id: v.id, createdAt: v.createdAt.toISOString(), recordCount: v.recordCount })),
  }));
}
