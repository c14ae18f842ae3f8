import { and, eq, inArray, or, sql } from "drizzle-orm";
import { benchmarks, datasetTags, modelVersions } from "@/db/schema";
import { EmptyTagError, resolveTag, UnknownTagError } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("benchmark.schedule");

export type Benchmark = typeof benchmarks.$inferSelect;

export interface PlanResult {
  /** Benchmarks created by this plan (model version x dataset version). */
  created: number;
  /** Followed tags whose content changed since they were last resolved. */
  newVersions: Array<{ tag: string; versionId: number; records: number }>;
  /** Followed tags that cannot be benchmarked on, and why. */
  unresolved: Array<{ tag: string; reason: string }>;
}

/**
 * Resolves every tag that a non-archived model version follows (its dataset tag, the tags it
 * also follows, and every tag marked `followedByAll`, like the feedback tag; archived tags
 * are left alone): records added or removed since the
 * last resolution make a new version. Then queues the missing
 * benchmarks of every follower on its tag's current version. A benchmark is unique per
 * (model version, dataset version), so planning twice, or concurrently, queues each once.
 */
export async function planBenchmarks(db: Db, store: ObjectStore): Promise<PlanResult> {
  const result: PlanResult = { created: 0, newVersions: [], unresolved: [] };
  const live = eq(modelVersions.archived, false);
  const [named, also, forAll, archived] = await Promise.all([
    db.selectDistinct({ tag: modelVersions.datasetTag }).from(modelVersions).where(live),
    db
      .selectDistinct({ tag: sql<string>`unnest(${modelVersions.alsoFollows})` })
      .from(modelVersions)
      .where(live),
    db
      .select({ tag: datasetTags.name })
      .from(datasetTags)
      .where(and(eq(datasetTags.followedByAll, true), eq(datasetTags.archived, false))),
    db.select({ tag: datasetTags.name }).from(datasetTags).where(eq(datasetTags.archived, true)),
  ]);
  const followedByAll = new Set(forAll.map((t) => t.tag));
  const skipped = new Set(archived.map((t) => t.tag));
  const followed = [...new Set([...named.map((t) => t.tag), ...also.map((t) => t.tag), ...followedByAll])]
    .filter((tag) => !skipped.has(tag))
    .map((tag) => ({ tag }));
  for (const { tag } of followed) {
    let versionId: number;
    try {
      const { version, created } = await resolveTag(db, store, tag);
      versionId = version.id;
      if (created) result.newVersions.push({ tag, versionId, records: version.recordCount });
    } catch (error) {
      if (!(error instanceof UnknownTagError || error instanceof EmptyTagError)) throw error;
      result.unresolved.push({ tag, reason: error.message });
      continue;
    }
    const followers = await db
      .select({ id: modelVersions.id })
      .from(modelVersions)
      .where(followedByAll.has(tag) ? live : and(or(eq(modelVersions.datasetTag, tag), sql`${tag} = any(${modelVersions.alsoFollows})`), live));
    if (followers.length === 0) continue;
    const benchmarked = new Set(
      (
        await db
          .selectDistinct({ id: benchmarks.modelVersionId })
          .from(benchmarks)
          .where(
            inArray(
              benchmarks.modelVersionId,
              followers.map((f) => f.id),
            ),
          )
      ).map((b) => b.id),
    );
    const inserted = await db
      .insert(benchmarks)
      .values(
        // A follower's first benchmark says "model_registered"; later ones, a new dataset version.
        followers.map((f) => ({ modelVersionId: f.id, datasetVersionId: versionId, trigger: benchmarked.has(f.id) ? "dataset_version" : "model_registered" })),
      )
      .onConflictDoNothing()
      .returning({ id: benchmarks.id });
    result.created += inserted.length;
  }
  if (result.created || result.newVersions.length) log.info(`planned ${result.created} benchmark(s)`, { newVersions: result.newVersions });
  for (const u of result.unresolved) log.debug(`tag ${u.tag} cannot be benchmarked on: ${u.reason}`);
  return result;
}

/** A re-run that cannot be done now; answered 409 by the API. */
export class BenchmarkStateError extends Error {
  readonly status = 409;
  readonly code = "benchmark_busy";
  constructor(message: string) {
    super(message);
    this.name = "BenchmarkStateError";
  }
}

/** Queues finished (done or failed) benchmarks to run again; running or queued ones are refused. */
export async function requestRerun(db: Db, ids: number[], actor: string): Promise<Benchmark[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  // All or nothing: when one id cannot be re-run, none is queued.
  const rows = await db.transaction(async (tx) => {
    const queued = await tx
      .update(benchmarks)
      .set({ status: "pending", trigger: "manual", attempts: 0, error: null, runAfter: new Date() })
      .where(and(inArray(benchmarks.id, unique), inArray(benchmarks.status, ["done", "failed"])))
      .returning();
    if (queued.length < unique.length) {
      const missing = unique.filter((id) => !queued.some((r) => r.id === id));
      throw new BenchmarkStateError(`benchmark(s) ${missing.join(", ")} do not exist or are already queued or running; nothing was queued`);
    }
    return queued;
  });
  log.info(`re-run of ${rows.length} benchmark(s) requested`, { ids: unique, actor });
  return rows;
}
