import { eq } from "drizzle-orm";
import { benchmarks, datasetVersions } from "@/db/schema";
import { loadSnapshot } from "@/lib/data";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS, NUM_CLASSES } from "@/lib/kmnist";
import { pngDataUrl } from "@/lib/preprocess";
import type { ObjectStore } from "@/lib/storage";
import { readTopPredictions, TOP_K, topOf } from "./predictions";

export const CELL_PAGE_SIZE = 60;

export interface CellImage {
  /** Position in the dataset version's snapshot. */
  index: number;
  /** The 28x28 the model saw (white ink on black), as a PNG data URL. */
  png: string;
  top: Array<{ label: number; probability: number }>;
}

export type ConfusionCell =
  { status: "ok"; actual: number; predicted: number; total: number; page: number; pages: number; images: CellImage[] } | { status: "no_predictions" };

/**
 * The images of one confusion-matrix cell (true class → predicted class) of a finished
 * benchmark, from its dataset version, with the model's top classes: the error-analysis view.
 * Null when there is no such finished benchmark.
 */
export async function confusionCell(
  db: Db,
  store: ObjectStore,
  benchmarkId: number,
  cell: { actual: number; predicted: number; page?: number },
): Promise<ConfusionCell | null> {
  if (![cell.actual, cell.predicted].every((c) => Number.isInteger(c) && c >= 0 && c < NUM_CLASSES)) throw new RangeError("classes are 0-9");
  const [row] = await db
    .select({ status: benchmarks.status, snapshotKey: datasetVersions.snapshotKey })
    .from(benchmarks)
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .where(eq(benchmarks.id, benchmarkId));
  if (!row || row.status !== "done") return null;
  const predictions = await readTopPredictions(db, benchmarkId);
  if (!predictions) return { status: "no_predictions" };
  const members: number[] = [];
  for (let i = 0; i < predictions.count; i++) {
    if (predictions.labels[i] === cell.actual && predictions.topClasses[i * TOP_K] === cell.predicted) members.push(i);
  }
  const pages = Math.max(1, Math.ceil(members.length / CELL_PAGE_SIZE));
  const page = Math.min(Math.max(1, cell.page ?? 1), pages);
  const shown = members.slice((page - 1) * CELL_PAGE_SIZE, page * CELL_PAGE_SIZE);
  const snapshot = shown.length ? await loadSnapshot(store, row) : null;
  if (snapshot && snapshot.count !== predictions.count) return { status: "no_predictions" };
  return {
    status: "ok",
    actual: cell.actual,
    predicted: cell.predicted,
    total: members.length,
    page,
    pages,
    images: await Promise.all(
      shown.map(async (index) => ({
        index,
        png: await pngDataUrl(snapshot!.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS)),
        top: topOf(predictions, index),
      })),
    ),
  };
}
