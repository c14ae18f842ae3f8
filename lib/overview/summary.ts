import { desc, eq, inArray, sql } from "drizzle-orm";
import { benchmarks, datasetTags, jobs, modelVersions, pipelineRuns } from "@/db/schema";
import { benchmarkQuerySchema, listBenchmarks, modelEvaluations, type BenchmarkRow } from "@/lib/benchmark";
import type { Db } from "@/lib/db";
import {
  aliasTarget,
  CHAMPION,
  ModelRefError,
  modelVersionQuerySchema,
  resolveModelRef,
  searchModelVersions,
  type ModelVersionRow,
  type ResolvedModel,
} from "@/lib/registry";

export type BenchmarkStatus = "pending" | "running" | "done" | "failed";

export interface Overview {
  counts: {
    modelVersions: number;
    models: number;
    authors: number;
    datasetTags: number;
    benchmarks: Record<BenchmarkStatus, number>;
  };
  latestModels: ModelVersionRow[];
  latestBenchmarks: BenchmarkRow[];
  /**
   * The version predictions use: its headline benchmark (newest finished one on its primary
   * tag; null before the first) and the newest on each other tag, shown apart.
   */
  champion: { model: ResolvedModel; aliased: boolean; benchmark: BenchmarkRow | null; otherTags: BenchmarkRow[] } | null;
  lastPipeline: typeof pipelineRuns.$inferSelect | null;
  /** Jobs waiting or running in the embedded engine, by job name. */
  queue: Array<{ name: string; pending: number; running: number }>;
}

const LATEST = 5;

async function championOf(db: Db): Promise<Overview["champion"]> {
  try {
    const model = await resolveModelRef(db);
    const [target, evaluations] = await Promise.all([aliasTarget(db, CHAMPION), modelEvaluations(db, model.id, model.datasetTag)]);
    return { model, aliased: target === model.id, benchmark: evaluations.primary, otherTags: evaluations.others };
  } catch (error) {
    if (error instanceof ModelRefError) return null;
    throw error;
  }
}

/** Everything the home dashboard shows, read in parallel. */
export async function overview(db: Db): Promise<Overview> {
  const [[counts], [tagCount], statusRows, latestModels, latestBenchmarks, champion, [lastPipeline], queueRows] = await Promise.all([
    db
      .select({
        modelVersions: sql<number>`count(*)::int`,
        models: sql<number>`count(distinct ${modelVersions.modelId})::int`,
        authors: sql<number>`count(distinct ${modelVersions.author})::int`,
      })
      .from(modelVersions)
      .where(eq(modelVersions.archived, false)),
    db.select({ n: sql<number>`count(*)::int` }).from(datasetTags),
    db
      .select({ status: benchmarks.status, n: sql<number>`count(*)::int` })
      .from(benchmarks)
      .groupBy(benchmarks.status),
    searchModelVersions(db, modelVersionQuerySchema.parse({ pageSize: LATEST })),
    listBenchmarks(db, benchmarkQuerySchema.parse({ pageSize: LATEST })),
    championOf(db),
    db.select().from(pipelineRuns).orderBy(desc(pipelineRuns.startedAt), desc(pipelineRuns.id)).limit(1),
    db
      .select({ name: jobs.name, status: jobs.status, n: sql<number>`count(*)::int` })
      .from(jobs)
      .where(inArray(jobs.status, ["pending", "running"]))
      .groupBy(jobs.name, jobs.status),
  ]);
  const benchmarkCounts: Record<BenchmarkStatus, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const row of statusRows) benchmarkCounts[row.status] = row.n;
  const queue = new Map<string, { name: string; pending: number; running: number }>();
  for (const row of queueRows) {
    const entry = queue.get(row.name) ?? { name: row.name, pending: 0, running: 0 };
    if (row.status === "pending" || row.status === "running") entry[row.status] = row.n;
    queue.set(row.name, entry);
  }
  return {
    counts: { ...counts, datasetTags: tagCount.n, benchmarks: benchmarkCounts },
    latestModels: latestModels.rows,
    latestBenchmarks: latestBenchmarks.rows,
    champion,
    lastPipeline: lastPipeline ?? null,
    queue: [...queue.values()],
  };
}
