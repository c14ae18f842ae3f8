import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { modelAliases, models, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { containsPattern, pageOf, paging, searchText } from "@/lib/http";
import { accuracyEstimate, type Estimate, type Interval } from "@/lib/metrics";
import { onPrimaryTag } from "./primary-benchmark";

const headlineAccuracy = sql<number | null>`(select b.accuracy ${onPrimaryTag})`;
const headline = sql<StoredHeadline | null>`(select json_build_object(
  'benchmarkId', b.id, 'accuracy', b.accuracy, 'n', b.sample_count, 'interval', b.intervals -> 'accuracy',
  'datasetVersionId', dv.id, 'datasetHash', dv.content_hash) ${onPrimaryTag})`;
const latestBenchmarkStatus = sql<
  "pending" | "running" | "done" | "failed" | null
>`(select b.status from benchmarks b where b.model_version_id = "model_versions"."id" order by b.created_at desc, b.id desc limit 1)`;
const benchmarkCount = sql<number>`(select count(*)::int from benchmarks b where b.model_version_id = "model_versions"."id")`;
const explanationStatus = sql<
  "pending" | "running" | "done" | "failed" | null
>`(select e.status from model_explanations e where e.model_version_id = "model_versions"."id")`;
const aliases = sql<
  string[]
>`coalesce((select array_agg(a.alias order by a.alias) from model_aliases a where a.model_version_id = "model_versions"."id"), '{}')`;

export const MODEL_SORTS = {
  created: modelVersions.createdAt,
  name: models.name,
  algorithm: modelVersions.algorithm,
  author: modelVersions.author,
  tag: modelVersions.datasetTag,
  accuracy: headlineAccuracy,
} as const;

/** The models table's query string: filters, sorting and paging, all done by the database. */
export const modelVersionQuerySchema = z
  .object({
    ...paging,
    sort: z.enum(Object.keys(MODEL_SORTS) as [keyof typeof MODEL_SORTS, ...Array<keyof typeof MODEL_SORTS>]).default("created"),
    algorithm: searchText,
    tag: searchText,
    author: searchText,
    q: searchText.describe("text search in name, author, algorithm and tag"),
    archived: z.enum(["include", "exclude", "only"]).default("exclude"),
  })
  .strict();

export type ModelVersionQuery = z.infer<typeof modelVersionQuerySchema>;

const columns = {
  id: modelVersions.id,
  name: models.name,
  version: modelVersions.version,
  algorithm: modelVersions.algorithm,
  author: modelVersions.author,
  datasetTag: modelVersions.datasetTag,
  archived: modelVersions.archived,
  backend: modelVersions.backend,
  createdAt: modelVersions.createdAt,
  headline: headline.as("headline"),
  benchmarkStatus: latestBenchmarkStatus.as("benchmark_status"),
  benchmarks: benchmarkCount.as("benchmark_count"),
  explanationStatus: explanationStatus.as("explanation_status"),
  aliases: aliases.as("aliases"),
};

interface StoredHeadline {
  benchmarkId: number;
  accuracy: number | null;
  n: number | null;
  interval: Interval | null;
  datasetVersionId: number;
  datasetHash: string;
}

export interface Headline {
  benchmarkId: number;
  datasetVersionId: number;
  datasetHash: string;
  accuracy: Estimate;
}

function toHeadline(stored: StoredHeadline | null): Headline | null {
  if (!stored || stored.accuracy === null || stored.n === null) return null;
  const { benchmarkId, datasetVersionId, datasetHash } = stored;
  return { benchmarkId, datasetVersionId, datasetHash, accuracy: accuracyEstimate(stored.accuracy, stored.n, stored.interval) };
}

export interface ModelVersionRow {
  id: number;
  name: string;
  version: number;
  algorithm: string;
  author: string;
  datasetTag: string;
  archived: boolean;
  backend: string | null;
  createdAt: Date;
  /** Accuracy on the newest version of the primary tag, with n and its interval; null before the first such benchmark. */
  headline: Headline | null;
  benchmarkStatus: "pending" | "running" | "done" | "failed" | null;
  benchmarks: number;
  explanationStatus: "pending" | "running" | "done" | "failed" | null;
  aliases: string[];
}

function filters(query: ModelVersionQuery): SQL | undefined {
  const pattern = query.q ? containsPattern(query.q) : undefined;
  return and(
    query.archived === "exclude" ? eq(modelVersions.archived, false) : query.archived === "only" ? eq(modelVersions.archived, true) : undefined,
    query.algorithm ? eq(modelVersions.algorithm, query.algorithm) : undefined,
    query.tag ? eq(modelVersions.datasetTag, query.tag) : undefined,
    query.author ? eq(modelVersions.author, query.author) : undefined,
    pattern
      ? or(ilike(models.name, pattern), ilike(modelVersions.author, pattern), ilike(modelVersions.algorithm, pattern), ilike(modelVersions.datasetTag, pattern))
      : undefined,
  );
}

/** One page of model versions with their headline accuracy (primary tag) and benchmark/explanation status. */
export async function searchModelVersions(db: Db, query: ModelVersionQuery) {
  const where = filters(query);
  const direction = query.order === "asc" ? asc : desc;
  const sortColumn = MODEL_SORTS[query.sort];
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(columns)
      .from(modelVersions)
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(where)
      .orderBy(sql`${direction(sortColumn)} nulls last`, direction(modelVersions.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(modelVersions)
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(where),
  ]);
  const withHeadlines = (rows as Array<Omit<ModelVersionRow, "headline"> & { headline: StoredHeadline | null }>).map((r) => ({
    ...r,
    headline: toHeadline(r.headline),
  }));
  return pageOf(withHeadlines, total, query);
}

/** One model version with its registry facts: name, aliases pointing at it, everything recorded at registration. */
export async function getModelVersion(db: Db, id: number) {
  const [row] = await db
    .select({ version: modelVersions, name: models.name })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.id, id));
  if (!row) return null;
  const pointing = await db.select({ alias: modelAliases.alias }).from(modelAliases).where(eq(modelAliases.modelVersionId, id));
  return { ...row.version, name: row.name, aliases: pointing.map((a) => a.alias) };
}
