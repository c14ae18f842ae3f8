import { eq } from "drizzle-orm";
import { benchmarkPredictions } from "@/db/schema";
import type { Db } from "@/lib/db";

/** How many of the most probable classes are kept per image. */
export const TOP_K = 3;
const SCALE = 65535;

/** A benchmark's per-image answers, compact: see `benchmark_predictions`. */
export interface TopPredictions {
  count: number;
  labels: Uint8Array;
  /** count x TOP_K classes, most probable first. */
  topClasses: Uint8Array;
  /** count x TOP_K probabilities in 65535ths, little-endian uint16. */
  topProbabilities: Uint8Array;
}

/** Keeps the TOP_K most probable classes of each row of an n x classes probability matrix. */
export function encodeTopPredictions(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes: number): TopPredictions {
  const count = labels.length;
  const topClasses = new Uint8Array(count * TOP_K);
  const topProbabilities = new Uint8Array(count * TOP_K * 2);
  const view = new DataView(topProbabilities.buffer);
  const order = Array.from({ length: classes }, (_, c) => c);
  for (let i = 0; i < count; i++) {
    const row = (c: number) => probabilities[i * classes + c];
    // Ties keep the lower class first, as argmax does everywhere else.
    order.sort((a, b) => row(b) - row(a) || a - b);
    for (let r = 0; r < TOP_K; r++) {
      topClasses[i * TOP_K + r] = order[r];
      view.setUint16((i * TOP_K + r) * 2, Math.round(Math.min(1, Math.max(0, row(order[r]))) * SCALE), true);
    }
  }
  return { count, labels: Uint8Array.from(labels), topClasses, topProbabilities };
}

/** The predicted class of every image (the most probable one). */
export function predictedClasses(p: TopPredictions): Uint8Array {
  return Uint8Array.from({ length: p.count }, (_, i) => p.topClasses[i * TOP_K]);
}

/** The top classes of image i with their probabilities. */
export function topOf(p: TopPredictions, i: number): Array<{ label: number; probability: number }> {
  const view = new DataView(p.topProbabilities.buffer, p.topProbabilities.byteOffset, p.topProbabilities.byteLength);
  return Array.from({ length: TOP_K }, (_, r) => ({ label: p.topClasses[i * TOP_K + r], probability: view.getUint16((i * TOP_K + r) * 2, true) / SCALE }));
}

export async function readTopPredictions(db: Db, benchmarkId: number): Promise<TopPredictions | null> {
  const [row] = await db.select().from(benchmarkPredictions).where(eq(benchmarkPredictions.benchmarkId, benchmarkId));
  if (!row) return null;
  return {
    count: row.count,
    labels: new Uint8Array(row.labels),
    topClasses: new Uint8Array(row.topClasses),
    topProbabilities: new Uint8Array(row.topProbabilities),
  };
}
