import { createHash } from "node:crypto";
import { datasetRecords, importBatches } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { ensureSource } from "./importer";
import { contentHashOfPixels, splitOf } from "./labelled-batch";

const log = createLogger("data.records");

export interface NewRecords {
  source: string;
  sourceDescription?: string;
  /** count x 784 bytes, white ink on black. */
  images: Uint8Array;
  labels: Uint8Array;
  /** A stable identity per record within its source (imports: the content hash); default `<batch>:<index>`. */
  sourceKeys?: string[];
}

/** What appendRecords added. */
export interface AppendedRecords {
  batchId: number;
  count: number;
  /** Records the hash split put in train and in holdout. */
  splits: { train: number; holdout: number };
}

/**
 * Adds labelled images to a source as one import batch (new data, feedback labels, ...).
 * The images are stored before the rows that point at them; the rows go in one transaction
 * (the caller's, when it passes one). Each record is put in train or holdout by a hash of
 * its identity (`splitOf`). Tags over the source get a new version the next time they are
 * resolved.
 */
export async function appendRecords(db: Db, store: ObjectStore, records: NewRecords, tx?: Db): Promise<AppendedRecords> {
  const count = records.labels.length;
  if (count === 0) throw new RangeError("no records to add");
  if (records.images.length !== count * IMAGE_PIXELS) throw new RangeError(`expected ${count} x ${IMAGE_PIXELS} image bytes, got ${records.images.length}`);
  if (records.sourceKeys && records.sourceKeys.length !== count) throw new RangeError(`expected ${count} source keys, got ${records.sourceKeys.length}`);
  const badLabel = records.labels.findIndex((l) => l >= NUM_CLASSES);
  if (badLabel >= 0) throw new RangeError(`label ${records.labels[badLabel]} at ${badLabel} is not a KMNIST class`);

  // Inside the caller's transaction everything goes through it (PGlite has one connection).
  const sourceId = await ensureSource(tx ?? db, records.source, records.sourceDescription ?? "");
  const digest = createHash("sha256").update(records.images).update(records.labels).digest("hex");
  const imageKey = `sources/${records.source}/batch-${digest}.u8`;
  if (!(await store.head(imageKey))) await store.put(imageKey, records.images);
  const splits = { train: 0, holdout: 0 };
  const insert = async (tx: Db) => {
    const [batch] = await tx
      .insert(importBatches)
      .values({ sourceId, files: [{ name: imageKey, md5: digest.slice(0, 32), bytes: records.images.length }], recordCount: count })
      .returning({ id: importBatches.id });
    const rows = Array.from(records.labels, (label, i) => {
      const sourceKey = records.sourceKeys?.[i] ?? `${batch.id}:${String(i).padStart(6, "0")}`;
      const split = splitOf(records.source, sourceKey);
      splits[split]++;
      return {
        sourceId,
        batchId: batch.id,
        sourceKey,
        label,
        // Not from the official train file, whose presence decides the KMNIST split protocol;
        // every other source is split by a hash of its records' identity.
        officialSplit: "test" as const,
        offlineSplit: split,
        contentHash: contentHashOfPixels(records.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)),
        imageKey,
        imageIndex: i,
      };
    });
    // In slices: one statement would exceed PostgreSQL's 65,535 parameters at ~6,000 records.
    for (let at = 0; at < rows.length; at += 2000) await tx.insert(datasetRecords).values(rows.slice(at, at + 2000));
    return batch.id;
  };
  const batchId = tx ? await insert(tx) : await db.transaction((t) => insert(t as unknown as Db));
  log.info(`added ${count} records to ${records.source}`, { batchId, ...splits });
  return { batchId, count, splits };
}
