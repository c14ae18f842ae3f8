import { createHash } from "node:crypto";
import { datasetRecords, importBatches } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { ensureSource } from "./importer";

const log = createLogger("data.records");

export interface NewRecords {
  source: string;
  sourceDescription?: string;
  /** count x 784 bytes, white ink on black. */
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * Adds labelled images to a source as one import batch (new data, feedback labels, ...).
 * The images are stored before the rows that point at them; the rows go in one transaction.
 * Tags over the source get a new version the next time they are resolved.
 */
export async function appendRecords(db: Db, store: ObjectStore, records: NewRecords): Promise<{ batchId: number; count: number }> {
  const count = records.labels.length;
  if (count === 0) throw new RangeError("no records to add");
  if (records.images.length !== count * IMAGE_PIXELS) throw new RangeError(`expected ${count} x ${IMAGE_PIXELS} image bytes, got ${records.images.length}`);
  const badLabel = records.labels.findIndex((l) => l >= NUM_CLASSES);
  if (badLabel >= 0) throw new RangeError(`label ${records.labels[badLabel]} at ${badLabel} is not a KMNIST class`);

  const sourceId = await ensureSource(db, records.source, records.sourceDescription ?? "");
  const digest = createHash("sha256").update(records.images).update(records.labels).digest("hex");
  const imageKey = `sources/${records.source}/batch-${digest}.u8`;
  if (!(await store.head(imageKey))) await store.put(imageKey, records.images);
  const batchId = await db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(importBatches)
      .values({ sourceId, files: [{ name: imageKey, md5: digest.slice(0, 32), bytes: records.images.length }], recordCount: count })
      .returning({ id: importBatches.id });
    await tx.insert(datasetRecords).values(
      Array.from(records.labels, (label, i) => ({
        sourceId,
        batchId: batch.id,
        sourceKey: `${batch.id}:${String(i).padStart(6, "0")}`,
        label,
        // Not from the official train file, whose presence decides the split protocol.
        officialSplit: "test" as const,
        imageKey,
        imageIndex: i,
      })),
    );
    return batch.id;
  });
  log.info(`added ${count} records to ${records.source}`, { batchId });
  return { batchId, count };
}
