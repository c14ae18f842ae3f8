import { zipSync } from "fflate";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { DROP_PREFIX, dropEntries, pathInEntry, rejectDropEntry, type ObjectInfo, type ObjectStore } from "@/lib/storage";
import { createImport, sourceNameSchema } from "./imports";

const log = createLogger("data.drop");

const LABELS_CSV = "labels.csv";
const IDX_IMAGES = /images-idx3-ubyte(\.gz)?$/;
const IDX_LABELS = /labels-idx1-ubyte(\.gz)?$/;

/**
 * A folder of the drop prefix holding a labelled batch rather than a model artifact: a
 * `labels.csv` beside its images, or an idx pair; never a model's manifest. The model poll
 * leaves these to the data poll.
 */
export function isLabelledBatchFolder(relativeKeys: string[]): boolean {
  if (relativeKeys.includes("manifest.json")) return false;
  return (
    relativeKeys.some((k) => k === LABELS_CSV || k.endsWith(`/${LABELS_CSV}`)) ||
    (relativeKeys.some((k) => IDX_IMAGES.test(k)) && relativeKeys.some((k) => IDX_LABELS.test(k)))
  );
}

export interface DataDropResult {
  queued: Array<{ entry: string; importId: number }>;
  rejected: Array<{ entry: string; reason: string }>;
  waiting: string[];
}

/**
 * Scans `drop/<source>/` folders holding labelled batches: a folder whose files have not
 * changed for `settleMs` (still uploading otherwise) becomes one import of the source named by
 * the folder, queued as if it had been sent to POST /api/datasets/imports (same limits, same
 * job, same report), and leaves the drop. A folder that cannot be imported (bad source name,
 * too large) moves to `rejected/` with a REJECTED.txt saying why.
 */
export async function pollDataDrops(db: Db, store: ObjectStore, options: { maxBytes: number; settleMs?: number; now?: number }): Promise<DataDropResult> {
  const { maxBytes, settleMs = 30_000, now = Date.now() } = options;
  const result: DataDropResult = { queued: [], rejected: [], waiting: [] };
  for (const [entry, objects] of dropEntries(await store.list(DROP_PREFIX))) {
    const relative = (o: ObjectInfo) => pathInEntry(entry, o);
    if (!isLabelledBatchFolder(objects.map(relative))) continue;
    if (now - Math.max(...objects.map((o) => o.modifiedAt.getTime())) < settleMs) {
      result.waiting.push(entry);
      continue;
    }
    try {
      const source = sourceNameSchema.safeParse(entry);
      if (!source.success) throw new Error(`the folder name is the source: ${source.error.issues[0].message}`);
      const bytes = objects.reduce((a, o) => a + o.bytes, 0);
      if (bytes > maxBytes) throw new Error(`${bytes} bytes is more than IMPORT_MAX_BYTES (${maxBytes})`);
      const idxImages = objects.find((o) => IDX_IMAGES.test(o.key));
      const idxLabels = objects.find((o) => IDX_LABELS.test(o.key));
      const isCsv = objects.some((o) => relative(o).endsWith(LABELS_CSV));
      const files: Uint8Array[] = [];
      if (isCsv) {
        const entries: Record<string, Uint8Array> = {};
        for (const o of objects) entries[relative(o)] = new Uint8Array(await store.get(o.key));
        files.push(zipSync(entries, { level: 0 }));
      } else {
        files.push(new Uint8Array(await store.get(idxImages!.key)), new Uint8Array(await store.get(idxLabels!.key)));
      }
      const row = await createImport(db, store, { source: source.data, format: isCsv ? "zip" : "idx", files, actor: `drop/${entry}` });
      for (const o of objects) await store.delete(o.key);
      log.info(`queued import ${row.id} from drop/${entry} (${objects.length} files)`);
      result.queued.push({ entry, importId: row.id });
    } catch (error) {
      const reason = (error as Error).message;
      log.warn(`rejected dropped data ${entry}: ${reason}`, { entry });
      await rejectDropEntry(store, entry, objects, reason, now);
      result.rejected.push({ entry, reason });
    }
  }
  return result;
}
