import fs from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { datasetRecords, datasetSources, importBatches } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import { parseIdx } from "./idx";
import { KMNIST_FILES, md5Hex, OFFICIAL_CHECKSUMS, verifyMd5, type Checksums, type KmnistFileId, type KmnistFilePaths } from "./kmnist-files";
import { contentHashOfPixels } from "./labelled-batch";
import { offlineSplitOf } from "./protocol";

const log = createLogger("data.import");

export const KMNIST_SOURCE = "kmnist";

export interface ImportResult {
  imported: number;
  skipped: number;
  protocol: "official" | "offline";
}

interface LoadedPart {
  officialSplit: "train" | "test";
  images: Uint8Array;
  labels: Uint8Array;
  imagesMd5: string;
  files: Array<{ name: string; md5: string; bytes: number }>;
}

async function readVerified(id: KmnistFileId, filePath: string, checksums: Checksums) {
  const data = await fs.readFile(filePath);
  verifyMd5(id, data, checksums);
  return data;
}

/** Reads, checksums and parses one images+labels pair; throws before anything is stored. */
async function loadPart(officialSplit: "train" | "test", imagesPath: string, labelsPath: string, checksums: Checksums): Promise<LoadedPart> {
  const [imagesId, labelsId] = officialSplit === "test" ? (["testImages", "testLabels"] as const) : (["trainImages", "trainLabels"] as const);
  const imagesRaw = await readVerified(imagesId, imagesPath, checksums);
  const labelsRaw = await readVerified(labelsId, labelsPath, checksums);
  const images = parseIdx(imagesRaw, KMNIST_FILES[imagesId].name);
  const labels = parseIdx(labelsRaw, KMNIST_FILES[labelsId].name);
  if (images.dims.length !== 3 || images.dims[1] !== IMAGE_SIDE || images.dims[2] !== IMAGE_SIDE) {
    throw new Error(`${KMNIST_FILES[imagesId].name}: expected Nx28x28 images, got ${images.dims.join("x")}`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new Error(`${KMNIST_FILES[labelsId].name}: ${labels.dims[0]} labels for ${images.dims[0]} images`);
  }
  const badLabel = labels.data.findIndex((l) => l >= NUM_CLASSES);
  if (badLabel >= 0) throw new Error(`${KMNIST_FILES[labelsId].name}: label ${labels.data[badLabel]} at ${badLabel} is not a KMNIST class`);
  return {
    officialSplit,
    images: images.data,
    labels: labels.data,
    imagesMd5: md5Hex(imagesRaw),
    files: [
      { name: KMNIST_FILES[imagesId].name, md5: md5Hex(imagesRaw), bytes: imagesRaw.byteLength },
      { name: KMNIST_FILES[labelsId].name, md5: md5Hex(labelsRaw), bytes: labelsRaw.byteLength },
    ],
  };
}

export async function ensureSource(db: Db, name: string, description: string): Promise<number> {
  await db.insert(datasetSources).values({ name, description }).onConflictDoNothing();
  const [row] = await db.select({ id: datasetSources.id }).from(datasetSources).where(eq(datasetSources.name, name));
  return row.id;
}

const INSERT_CHUNK = 2000;

/**
 * Imports the official files into records. Every file is checksummed and parsed before
 * anything is written, so a bad file imports nothing. Images are stored once per file as a
 * uint8 snapshot; re-importing the same files is a no-op.
 */
export async function importKmnist(
  db: Db,
  store: ObjectStore,
  files: KmnistFilePaths,
  // Tests pass their own checksums to import small synthetic files in the official layout.
  checksums: Checksums = OFFICIAL_CHECKSUMS,
): Promise<ImportResult> {
  if (!files.testImages || !files.testLabels) throw new Error("importKmnist needs at least the official test files");
  const parts = [await loadPart("test", files.testImages, files.testLabels, checksums)];
  if (files.trainImages && files.trainLabels) parts.push(await loadPart("train", files.trainImages, files.trainLabels, checksums));
  const protocol = parts.length === 2 ? "official" : "offline";

  const sourceId = await ensureSource(db, KMNIST_SOURCE, "Official KMNIST files (Clanuwat et al., CODH), CC BY-SA 4.0");
  let imported = 0;
  let skipped = 0;
  for (const part of parts) {
    const existing = await db
      .select({ id: datasetRecords.id })
      .from(datasetRecords)
      .where(and(eq(datasetRecords.sourceId, sourceId), eq(datasetRecords.officialSplit, part.officialSplit)))
      .limit(1);
    if (existing.length > 0) {
      skipped += part.labels.length;
      continue;
    }
    const imageKey = `sources/${KMNIST_SOURCE}/${part.officialSplit}-${part.imagesMd5}.u8`;
    // Stored before the rows that point at it: a crash leaves an unreferenced object, never a dangling row.
    if (!(await store.head(imageKey))) await store.put(imageKey, part.images);
    const offline = part.officialSplit === "test" ? offlineSplitOf(part.labels) : null;
    await db.transaction(async (tx) => {
      const [batch] = await tx
        .insert(importBatches)
        .values({ sourceId, files: part.files, recordCount: part.labels.length })
        .returning({ id: importBatches.id });
      for (let start = 0; start < part.labels.length; start += INSERT_CHUNK) {
        const rows = [];
        for (let i = start; i < Math.min(start + INSERT_CHUNK, part.labels.length); i++) {
          rows.push({
            sourceId,
            batchId: batch.id,
            sourceKey: `${part.officialSplit}:${String(i).padStart(5, "0")}`,
            label: part.labels[i],
            officialSplit: part.officialSplit,
            offlineSplit: offline ? offline[i] : null,
            // So that an imported batch holding KMNIST images is recognised as duplicates.
            contentHash: contentHashOfPixels(part.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS)),
            imageKey,
            imageIndex: i,
          });
        }
        await tx.insert(datasetRecords).values(rows);
      }
    });
    imported += part.labels.length;
    log.info(`imported ${part.labels.length} ${part.officialSplit} records`, { imageKey });
  }
  return { imported, skipped, protocol };
}
