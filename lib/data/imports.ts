import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { datasetImports, datasetRecords, datasetSources } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { pngDataUrl } from "@/lib/preprocess";
import type { ObjectStore } from "@/lib/storage";
import { KMNIST_SOURCE } from "./importer";
import {
  BatchRejectedError,
  DEFAULT_BATCH_LIMITS,
  readIdxPair,
  readLabelledZip,
  splitOf,
  type BatchLimits,
  type LabelledBatch,
  type Refusal,
  type RefusalReason,
} from "./labelled-batch";
import { appendRecords } from "./records";
import { ensureSourceTags, sourceTags } from "./source-tags";
import { FEEDBACK_SOURCE } from "./tags";

const log = createLogger("data.imports");

export type DatasetImport = typeof datasetImports.$inferSelect;

/** A source name: lower-case letters, digits and dashes; not one the lab owns. */
export const sourceNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "source: 2-40 lower-case letters, digits or dashes, starting with a letter or digit")
  .refine((name) => name !== KMNIST_SOURCE && name !== FEEDBACK_SOURCE, "source: kmnist and feedback are the lab's own sources");

/** What an import did: shown on its page and returned by the API. */
export interface ImportReport {
  source: string;
  accepted: number;
  splits: { train: number; holdout: number };
  refusedByReason: Partial<Record<RefusalReason, number>>;
  /** The first refusals, each with its item and reason (all are counted in refusedByReason). */
  refused: Refusal[];
  /** A few accepted records as the model will see them. */
  preview: Array<{ item: string; label: number; split: "train" | "holdout"; png: string }>;
  /** The tags over this source (its train and holdout parts); the holdout one is benchmarked by every model. */
  tags: { train: string; holdout: string };
  /** The batch was refused as a whole: why. */
  rejected?: { code: string; message: string };
}

const MAX_LISTED_REFUSALS = 500;
const PREVIEW = 24;

/**
 * Stores an uploaded batch (zip, or idx images + labels) under `imports/<uuid>/` and queues
 * its import. The files wait in the object store so that a restart or another process can
 * pick the job up; the job deletes them once done.
 */
export async function createImport(
  db: Db,
  store: ObjectStore,
  input: { source: string; format: "zip" | "idx"; files: Uint8Array[]; actor: string },
): Promise<DatasetImport> {
  const source = sourceNameSchema.parse(input.source);
  const expected = input.format === "zip" ? 1 : 2;
  if (input.files.length !== expected) throw new RangeError(`a ${input.format} import is ${expected} file(s), got ${input.files.length}`);
  const folder = `imports/${randomUUID()}`;
  const uploadKeys = input.files.map((_, i) => `${folder}/${input.format === "zip" ? "batch.zip" : ["images.idx", "labels.idx"][i]}`);
  for (const [i, key] of uploadKeys.entries()) await store.put(key, input.files[i]);
  const [row] = await db
    .insert(datasetImports)
    .values({ source, format: input.format, uploadKeys, bytes: input.files.reduce((a, f) => a + f.length, 0), actor: input.actor })
    .returning();
  log.info(`import ${row.id} of ${row.bytes} bytes into ${source} queued`, { actor: input.actor });
  return row;
}

/** An import as the API answers it: without its storage keys, with its page. */
export function importJson(row: DatasetImport) {
  const rest: Partial<DatasetImport> = { ...row };
  delete rest.uploadKeys;
  return { ...(rest as Omit<DatasetImport, "uploadKeys">), url: `/admin/imports/${row.id}` };
}

export async function getImport(db: Db, id: number): Promise<DatasetImport | null> {
  const [row] = await db.select().from(datasetImports).where(eq(datasetImports.id, id));
  return row ?? null;
}

export async function listImports(db: Db, limit = 50): Promise<DatasetImport[]> {
  return db
    .select()
    .from(datasetImports)
    .orderBy(sql`${datasetImports.id} desc`)
    .limit(limit);
}

/** Names of the sources labelled data can be imported into (every source but the lab's own). */
export async function importableSources(db: Db): Promise<string[]> {
  const rows = await db.select({ name: datasetSources.name }).from(datasetSources).orderBy(datasetSources.name);
  return rows.map((r) => r.name).filter((name) => sourceNameSchema.safeParse(name).success);
}

/** Content hashes among `hashes` that some record of any source already has, with that source. */
async function knownContent(db: Db, hashes: string[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (let at = 0; at < hashes.length; at += 5000) {
    const rows = await db
      .select({ hash: datasetRecords.contentHash, source: datasetSources.name })
      .from(datasetRecords)
      .innerJoin(datasetSources, eq(datasetSources.id, datasetRecords.sourceId))
      .where(inArray(datasetRecords.contentHash, hashes.slice(at, at + 5000)));
    for (const row of rows) if (row.hash) known.set(row.hash, row.source);
  }
  return known;
}

/** The batch without the records whose content is already in the lab (refused as duplicates). */
function withoutKnown(batch: LabelledBatch, known: Map<string, string>): LabelledBatch {
  if (known.size === 0) return batch;
  const keep = batch.contentHashes.map((h) => !known.has(h));
  const images = new Uint8Array(keep.filter(Boolean).length * IMAGE_PIXELS);
  let at = 0;
  keep.forEach((k, i) => {
    if (k) images.set(batch.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), at++ * IMAGE_PIXELS);
  });
  const refused = [...batch.refused];
  keep.forEach((k, i) => {
    if (!k) refused.push({ item: batch.items[i], reason: "duplicate", detail: `already in source ${known.get(batch.contentHashes[i])}` });
  });
  const pick = <T>(values: T[]) => values.filter((_, i) => keep[i]);
  return {
    count: at,
    images,
    labels: Uint8Array.from(pick(Array.from(batch.labels))),
    items: pick(batch.items),
    contentHashes: pick(batch.contentHashes),
    refused,
  };
}

async function previewOf(batch: LabelledBatch, source: string): Promise<ImportReport["preview"]> {
  return Promise.all(
    batch.items.slice(0, PREVIEW).map(async (item, i) => {
      const pixels = batch.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
      return { item, label: batch.labels[i], split: splitOf(source, batch.contentHashes[i]), png: await pngDataUrl(pixels) };
    }),
  );
}

function countByReason(refused: Refusal[]): ImportReport["refusedByReason"] {
  const counts: ImportReport["refusedByReason"] = {};
  for (const r of refused) counts[r.reason] = (counts[r.reason] ?? 0) + 1;
  return counts;
}

/**
 * Runs one queued import: reads the batch (preprocessing every image as a prediction would),
 * refuses duplicates of records already in the lab, adds the rest as one import batch of the
 * source (records, tags and the import's report in one transaction: all or nothing), then
 * deletes the upload. A batch refused as a whole ends `failed` with the reason; other errors
 * propagate (the job retries). Idempotent: a finished import is returned as it is.
 */
export async function runImport(db: Db, store: ObjectStore, id: number, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Promise<DatasetImport> {
  const row = await getImport(db, id);
  if (!row) throw new RangeError(`no import ${id}`);
  if (row.status === "done" || row.status === "failed") return row;
  await db.update(datasetImports).set({ status: "running", error: null }).where(eq(datasetImports.id, id));
  let lastWrite = 0;
  const progress = (done: number, total: number) => {
    const now = Date.now();
    if (now - lastWrite < 1000 && done !== total) return;
    lastWrite = now;
    void db
      .update(datasetImports)
      .set({ progress: { done, total } })
      .where(eq(datasetImports.id, id))
      .catch(() => undefined);
  };
  const tags = sourceTags(row.source);
  let batch: LabelledBatch;
  try {
    const files = await Promise.all(row.uploadKeys.map((key) => store.get(key)));
    batch = row.format === "zip" ? await readLabelledZip(files[0], limits, progress) : readIdxPair(files[0], files[1], limits);
  } catch (error) {
    if (!(error instanceof BatchRejectedError)) throw error;
    const report: ImportReport = {
      source: row.source,
      accepted: 0,
      splits: { train: 0, holdout: 0 },
      refusedByReason: {},
      refused: [],
      preview: [],
      tags,
      rejected: { code: error.code, message: error.message },
    };
    log.warn(`import ${id} refused: ${error.message}`, { code: error.code });
    return finish(db, store, row, { status: "failed", error: error.message, report });
  }
  const fresh = withoutKnown(batch, await knownContent(db, batch.contentHashes));
  const base = { source: row.source, refusedByReason: countByReason(fresh.refused), refused: fresh.refused.slice(0, MAX_LISTED_REFUSALS), tags };
  if (fresh.count === 0) {
    return finish(db, store, row, { status: "done", report: { ...base, accepted: 0, splits: { train: 0, holdout: 0 }, preview: [] } });
  }
  const preview = await previewOf(fresh, row.source);
  const finished = await db.transaction(async (tx) => {
    const added = await appendRecords(
      db,
      store,
      {
        source: row.source,
        sourceDescription: `Imported labelled handwriting (${row.format})`,
        images: fresh.images,
        labels: fresh.labels,
        sourceKeys: fresh.contentHashes,
      },
      tx as unknown as Db,
    );
    await ensureSourceTags(tx as unknown as Db, row.source);
    const report: ImportReport = { ...base, accepted: added.count, splits: added.splits, preview };
    const [done] = await tx
      .update(datasetImports)
      .set({
        status: "done",
        report,
        batchId: added.batchId,
        progress: { done: batch.items.length + batch.refused.length, total: batch.items.length + batch.refused.length },
        finishedAt: new Date(),
      })
      .where(eq(datasetImports.id, id))
      .returning();
    return done;
  });
  log.info(`import ${id}: ${finished.report?.accepted} records into ${row.source}, ${fresh.refused.length} refused`, { batchId: finished.batchId });
  await removeUploads(store, row);
  return finished;
}

async function finish(db: Db, store: ObjectStore, row: DatasetImport, values: Partial<DatasetImport>): Promise<DatasetImport> {
  const [done] = await db
    .update(datasetImports)
    .set({ ...values, finishedAt: new Date() })
    .where(eq(datasetImports.id, row.id))
    .returning();
  await removeUploads(store, row);
  return done;
}

async function removeUploads(store: ObjectStore, row: DatasetImport) {
  for (const key of row.uploadKeys) await store.delete(key).catch((error: unknown) => log.warn(`could not delete ${key}`, { error }));
}
