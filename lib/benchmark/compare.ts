import { and, desc, eq, inArray } from "drizzle-orm";
import { benchmarks, datasetTags, datasetVersions, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { pairedContingency, type PairedContingency } from "@/lib/metrics";
import { predictedClasses, readTopPredictions } from "./predictions";
import { getBenchmark, type BenchmarkDetail } from "./queries";

export const MAX_COMPARED = 6;

/** Two benchmarks on the same images: the exact McNemar test ("first" is `a`). */
export interface PairedResult {
  a: number;
  b: number;
  contingency: PairedContingency;
}

export interface Comparison {
  entries: BenchmarkDetail[];
  /** The tag compared on: the one asked for, else the chosen versions' primary tag; null when they have none in common. */
  tag: string | null;
  /** Tags on which the chosen versions have finished benchmarks (for the tag switch). */
  tags: string[];
  /** Model versions asked for that have no finished benchmark (on the tag). */
  missing: number[];
  /** True when every entry was benchmarked on the same dataset version (a fair comparison). */
  sameData: boolean;
  /** On the same data: every pair's paired test (missing where a benchmark predates stored predictions). */
  pairs: PairedResult[];
}

/**
 * The benchmarks to put side by side for 2-6 model versions, on one tag: the one asked for,
 * or else the primary tag (manifest datasetTag) most of them name, when every benchmarked
 * one has a benchmark there. On that tag, the newest dataset version all of them were
 * benchmarked on; where there is none, each version's newest benchmark on it, flagged as not
 * on the same data. Without such a tag, each version's newest on its own primary tag.
 */
export async function compareModelVersions(db: Db, modelVersionIds: number[], tag?: string): Promise<Comparison> {
  const ids = [...new Set(modelVersionIds)].slice(0, MAX_COMPARED);
  const wanted = ids.length ? ids : [-1];
  const [all, primaries] = await Promise.all([
    db
      .select({ id: benchmarks.id, modelVersionId: benchmarks.modelVersionId, datasetVersionId: benchmarks.datasetVersionId, tag: datasetTags.name })
      .from(benchmarks)
      .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
      .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
      .where(and(inArray(benchmarks.modelVersionId, wanted), eq(benchmarks.status, "done")))
      .orderBy(desc(datasetVersions.createdAt), desc(datasetVersions.id), desc(benchmarks.id)),
    db.select({ id: modelVersions.id, tag: modelVersions.datasetTag }).from(modelVersions).where(inArray(modelVersions.id, wanted)),
  ]);
  const tags = [...new Set(all.map((r) => r.tag))].sort();
  const primaryOf = (id: number) => primaries.find((p) => p.id === id)?.tag;
  const benchmarked = ids.filter((id) => all.some((r) => r.modelVersionId === id));
  const primary = mostCommon(ids.map(primaryOf).filter((t): t is string => Boolean(t)));
  // Their primary tag when it covers every benchmarked version; otherwise each on its own.
  const chosenTag = tag ?? (primary && benchmarked.every((id) => all.some((r) => r.modelVersionId === id && r.tag === primary)) ? primary : undefined);
  if (!chosenTag) {
    // Rows are newest first: each version's newest benchmark on its primary tag, else on any tag.
    const own = benchmarked.map((id) => all.find((r) => r.modelVersionId === id && r.tag === primaryOf(id)) ?? all.find((r) => r.modelVersionId === id)!);
    const entries = await details(
      db,
      own.map((r) => r.id),
    );
    const sameData = new Set(own.map((r) => r.datasetVersionId)).size <= 1;
    return {
      entries,
      tag: null,
      tags,
      missing: ids.filter((id) => !benchmarked.includes(id)),
      sameData,
      pairs: sameData
        ? await pairedTests(
            db,
            entries.map((e) => e.id),
          )
        : [],
    };
  }
  const done = all.filter((r) => r.tag === chosenTag);

  const byVersion = new Map<number, typeof done>();
  for (const row of done) byVersion.set(row.datasetVersionId, [...(byVersion.get(row.datasetVersionId) ?? []), row]);
  const present = new Set(done.map((r) => r.modelVersionId));
  const comparable = ids.filter((id) => present.has(id));
  // Rows are newest first, so the first dataset version holding every model is the newest shared one.
  const shared = [...byVersion.values()].find((rows) => comparable.every((id) => rows.some((r) => r.modelVersionId === id)));
  const entries = await details(
    db,
    comparable.map((id) => (shared ?? done).find((r) => r.modelVersionId === id)!.id),
  );
  const sameData = Boolean(shared) || entries.length <= 1;
  return {
    entries,
    tag: chosenTag,
    tags,
    missing: ids.filter((id) => !present.has(id)),
    sameData,
    pairs:
      sameData && entries.length > 1
        ? await pairedTests(
            db,
            entries.map((e) => e.id),
          )
        : [],
  };
}

async function details(db: Db, benchmarkIds: number[]): Promise<BenchmarkDetail[]> {
  return (await Promise.all(benchmarkIds.map((id) => getBenchmark(db, id)))).filter((e): e is BenchmarkDetail => e !== null);
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** McNemar for every pair of benchmarks of one dataset version, from their stored per-image predictions. */
async function pairedTests(db: Db, benchmarkIds: number[]): Promise<PairedResult[]> {
  const stored = await Promise.all(benchmarkIds.map((id) => readTopPredictions(db, id)));
  const pairs: PairedResult[] = [];
  for (let i = 0; i < benchmarkIds.length; i++) {
    for (let j = i + 1; j < benchmarkIds.length; j++) {
      const [a, b] = [stored[i], stored[j]];
      if (!a || !b || a.count !== b.count) continue;
      pairs.push({ a: benchmarkIds[i], b: benchmarkIds[j], contingency: pairedContingency(a.labels, predictedClasses(a), predictedClasses(b)) });
    }
  }
  return pairs;
}
