import { and, desc, eq, inArray } from "drizzle-orm";
import { benchmarks, datasetTags, datasetVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { getBenchmark, type BenchmarkDetail } from "./queries";

export const MAX_COMPARED = 6;

export interface Comparison {
  entries: BenchmarkDetail[];
  /** Model versions asked for that have no finished benchmark (on the tag, when one is given). */
  missing: number[];
  /** True when every entry was benchmarked on the same dataset version (a fair comparison). */
  sameData: boolean;
}

/**
 * The benchmarks to put side by side for 2-6 model versions: the newest dataset version
 * that all of them were benchmarked on (optionally of one tag); where there is none, each
 * version's newest finished benchmark, flagged as not comparable on the same data.
 */
export async function compareModelVersions(db: Db, modelVersionIds: number[], tag?: string): Promise<Comparison> {
  const ids = [...new Set(modelVersionIds)].slice(0, MAX_COMPARED);
  const done = await db
    .select({ id: benchmarks.id, modelVersionId: benchmarks.modelVersionId, datasetVersionId: benchmarks.datasetVersionId })
    .from(benchmarks)
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(and(inArray(benchmarks.modelVersionId, ids.length ? ids : [-1]), eq(benchmarks.status, "done"), tag ? eq(datasetTags.name, tag) : undefined))
    .orderBy(desc(datasetVersions.createdAt), desc(datasetVersions.id), desc(benchmarks.id));

  const byVersion = new Map<number, typeof done>();
  for (const row of done) byVersion.set(row.datasetVersionId, [...(byVersion.get(row.datasetVersionId) ?? []), row]);
  const present = new Set(done.map((r) => r.modelVersionId));
  const comparable = ids.filter((id) => present.has(id));
  // Rows are newest first, so the first dataset version holding every model is the newest shared one.
  const shared = [...byVersion.values()].find((rows) => comparable.every((id) => rows.some((r) => r.modelVersionId === id)));
  const chosen = comparable.map((id) => (shared ?? done).find((r) => r.modelVersionId === id)!.id);
  const entries = (await Promise.all(chosen.map((id) => getBenchmark(db, id)))).filter((e): e is BenchmarkDetail => e !== null);
  return { entries, missing: ids.filter((id) => !present.has(id)), sameData: Boolean(shared) || entries.length <= 1 };
}
