import { and, asc, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { benchmarks, datasetTags, datasetVersions, modelExplanations, models, modelVersions } from "@/db/schema";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { containsPattern, pageOf, paging, rowId, searchText } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { accuracyEstimate, type Estimate, type Interval } from "@/lib/metrics";

export const BENCHMARK_SORTS = {
  created: benchmarks.createdAt,
  finished: benchmarks.finishedAt,
  accuracy: benchmarks.accuracy,
  balanced_accuracy: benchmarks.balancedAccuracy,
  macro_f1: benchmarks.macroF1,
  log_loss: benchmarks.logLoss,
  macro_auc: benchmarks.macroAuc,
  ece: benchmarks.ece,
  wall_ms: benchmarks.wallMs,
  throughput: benchmarks.throughput,
  model: models.name,
} as const;

/** Filters, sorting and paging of the benchmark list: the query string of GET /api/benchmarks. */
export const benchmarkQuerySchema = z
  .object({
    ...paging,
    sort: z.enum(Object.keys(BENCHMARK_SORTS) as [keyof typeof BENCHMARK_SORTS, ...Array<keyof typeof BENCHMARK_SORTS>]).default("created"),
    status: z.enum(["pending", "running", "done", "failed"]).optional(),
    model: searchText.describe("model name, exact"),
    algorithm: searchText,
    tag: searchText.describe("dataset tag, exact"),
    modelVersionId: rowId,
    datasetVersionId: rowId,
    q: searchText.describe("text search in model name, author, algorithm and tag"),
  })
  .strict();

export type BenchmarkQuery = z.infer<typeof benchmarkQuerySchema>;

const rowColumns = {
  id: benchmarks.id,
  status: benchmarks.status,
  trigger: benchmarks.trigger,
  attempts: benchmarks.attempts,
  runs: benchmarks.runs,
  error: benchmarks.error,
  modelVersionId: modelVersions.id,
  model: models.name,
  version: modelVersions.version,
  algorithm: modelVersions.algorithm,
  author: modelVersions.author,
  datasetVersionId: datasetVersions.id,
  tag: datasetTags.name,
  datasetHash: datasetVersions.contentHash,
  datasetCreatedAt: datasetVersions.createdAt,
  accuracy: benchmarks.accuracy,
  balancedAccuracy: benchmarks.balancedAccuracy,
  macroF1: benchmarks.macroF1,
  logLoss: benchmarks.logLoss,
  macroAuc: benchmarks.macroAuc,
  ece: benchmarks.ece,
  sampleCount: benchmarks.sampleCount,
  intervals: benchmarks.intervals,
  wallMs: benchmarks.wallMs,
  throughput: benchmarks.throughput,
  createdAt: benchmarks.createdAt,
  startedAt: benchmarks.startedAt,
  finishedAt: benchmarks.finishedAt,
};

export type BenchmarkRow = {
  [K in keyof typeof rowColumns]: (typeof rowColumns)[K]["_"]["notNull"] extends true
    ? (typeof rowColumns)[K]["_"]["data"]
    : (typeof rowColumns)[K]["_"]["data"] | null;
};

export interface BenchmarkPage {
  rows: BenchmarkRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

function joined<T extends Record<string, unknown>>(db: Db, columns: T) {
  return db
    .select(columns as never)
    .from(benchmarks)
    .innerJoin(modelVersions, eq(modelVersions.id, benchmarks.modelVersionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId));
}

function filters(query: Partial<BenchmarkQuery>): SQL | undefined {
  const pattern = query.q ? containsPattern(query.q) : undefined;
  return and(
    query.status ? eq(benchmarks.status, query.status) : undefined,
    query.model ? eq(models.name, query.model) : undefined,
    query.algorithm ? eq(modelVersions.algorithm, query.algorithm) : undefined,
    query.tag ? eq(datasetTags.name, query.tag) : undefined,
    query.modelVersionId ? eq(benchmarks.modelVersionId, query.modelVersionId) : undefined,
    query.datasetVersionId ? eq(benchmarks.datasetVersionId, query.datasetVersionId) : undefined,
    pattern
      ? or(ilike(models.name, pattern), ilike(modelVersions.author, pattern), ilike(modelVersions.algorithm, pattern), ilike(datasetTags.name, pattern))
      : undefined,
  );
}

/** One page of benchmarks, filtered and sorted on the server (nulls last either way). */
export async function listBenchmarks(db: Db, query: BenchmarkQuery): Promise<BenchmarkPage> {
  const where = filters(query);
  const column = BENCHMARK_SORTS[query.sort];
  const direction = query.order === "asc" ? asc : desc;
  const [rows, [{ total }]] = await Promise.all([
    joined(db, rowColumns)
      .where(where)
      .orderBy(sql`${direction(column)} nulls last`, direction(benchmarks.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize) as unknown as Promise<BenchmarkRow[]>,
    joined(db, { total: sql<number>`count(*)::int` }).where(where) as unknown as Promise<Array<{ total: number }>>,
  ]);
  return pageOf(rows, total, query);
}

/** Every matching benchmark (for export), newest first, up to `limit`. */
export async function exportBenchmarks(db: Db, query: Partial<BenchmarkQuery>, limit = 10_000): Promise<BenchmarkRow[]> {
  return joined(db, rowColumns).where(filters(query)).orderBy(desc(benchmarks.createdAt), desc(benchmarks.id)).limit(limit) as unknown as Promise<
    BenchmarkRow[]
  >;
}

/** One benchmark with all its metrics, informational figures and its model's explanation status. */
export async function getBenchmark(db: Db, id: number) {
  const [row] = (await joined(db, { ...rowColumns, metrics: benchmarks.metrics, info: benchmarks.info, hyperparameters: modelVersions.hyperparameters })
    .where(eq(benchmarks.id, id))
    .limit(1)) as unknown as Array<
    BenchmarkRow & { metrics: typeof benchmarks.$inferSelect.metrics; info: typeof benchmarks.$inferSelect.info; hyperparameters: Record<string, unknown> }
  >;
  if (!row) return null;
  const [explanation] = await db
    .select({ status: modelExplanations.status, benchmarkId: modelExplanations.benchmarkId, error: modelExplanations.error })
    .from(modelExplanations)
    .where(eq(modelExplanations.modelVersionId, row.modelVersionId));
  return { ...row, explanation: explanation ?? null };
}

export type BenchmarkDetail = NonNullable<Awaited<ReturnType<typeof getBenchmark>>>;

/**
 * The best model (by accuracy) per dataset tag and algorithm among finished benchmarks on
 * each tag's newest version that has any, ranked: the leader is the most accurate benchmark
 * with enough images, and whoever's interval overlaps the leader's is tied with it. Small
 * samples are listed, marked, and never lead.
 */
export async function bestModels(db: Db, minSamples = config().evaluation.minSamples) {
  const newestBenchmarkedVersion = sql`(
    select b2.dataset_version_id from ${benchmarks} b2
    join ${datasetVersions} dv2 on dv2.id = b2.dataset_version_id
    where dv2.tag_id = ${datasetTags.id} and b2.status = 'done'
    order by dv2.created_at desc, dv2.id desc limit 1)`;
  const rows = (await db
    .selectDistinctOn([datasetTags.name, modelVersions.algorithm], rowColumns)
    .from(benchmarks)
    .innerJoin(modelVersions, eq(modelVersions.id, benchmarks.modelVersionId))
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(and(eq(benchmarks.status, "done"), sql`${benchmarks.datasetVersionId} = ${newestBenchmarkedVersion}`))
    .orderBy(datasetTags.name, modelVersions.algorithm, sql`${benchmarks.accuracy} desc nulls last`, asc(benchmarks.id))) as BenchmarkRow[];
  const byTagAndAlgorithm = rankWithTies(rows, minSamples);
  return { byTagAndAlgorithm, byTag: byTagAndAlgorithm.filter((r) => r.standing === "leader") };
}

/**
 * The tag the leaderboard opens on: the champion's primary tag, else the primary tag most
 * live model versions name.
 */
export async function leaderboardDefaultTag(db: Db): Promise<string | null> {
  const [row] = await db
    .select({
      tag: modelVersions.datasetTag,
      champion: sql<boolean>`bool_or(exists (select 1 from model_aliases a where a.alias = 'champion' and a.model_version_id = ${modelVersions.id}))`,
    })
    .from(modelVersions)
    .where(eq(modelVersions.archived, false))
    .groupBy(modelVersions.datasetTag)
    .orderBy(sql`2 desc`, sql`count(*) desc`, modelVersions.datasetTag)
    .limit(1);
  return row?.tag ?? null;
}

export type Standing = "leader" | "tied" | "small_sample" | null;
export type RankedRow = BenchmarkRow & { standing: Standing; accuracyEstimate: Estimate | null };

/** Within each tag: accuracy order, the leader, those tied with it (overlapping 95 % intervals), small samples marked. */
export function rankWithTies(rows: BenchmarkRow[], minSamples: number): RankedRow[] {
  const ranked: RankedRow[] = [];
  for (const tag of [...new Set(rows.map((r) => r.tag))]) {
    const ofTag = rows
      .filter((r) => r.tag === tag)
      .map((r) => ({ ...r, accuracyEstimate: estimateOf(r) }))
      .sort((a, b) => (b.accuracy ?? -1) - (a.accuracy ?? -1) || a.id - b.id);
    const leader = ofTag.find((r) => r.accuracyEstimate && r.accuracyEstimate.n >= minSamples);
    for (const row of ofTag) {
      let standing: Standing = null;
      if (!row.accuracyEstimate || row.accuracyEstimate.n < minSamples) standing = row.accuracyEstimate ? "small_sample" : null;
      else if (row === leader) standing = "leader";
      else if (leader && row.accuracyEstimate.interval.high >= leader.accuracyEstimate!.interval.low) standing = "tied";
      ranked.push({ ...row, standing });
    }
  }
  return ranked;
}

/** A finished benchmark's accuracy with n and its Wilson interval (null before it finished). */
export function estimateOf(row: Pick<BenchmarkRow, "accuracy" | "sampleCount" | "intervals">): Estimate | null {
  if (row.accuracy === null || row.sampleCount === null) return null;
  return accuracyEstimate(row.accuracy, row.sampleCount, row.intervals?.accuracy);
}

export interface TagSeries {
  tag: string;
  primary: boolean;
  /** One point per dataset version of the tag, oldest first. */
  points: Array<{ benchmarkId: number; at: number; label: string; accuracy: Estimate; macroF1: number | null }>;
}

/**
 * A model version's evaluations, organised by tag: the headline (newest finished benchmark on
 * its primary tag), the newest on each other tag, the series of each tag over its versions,
 * and the whole history.
 */
export async function modelEvaluations(db: Db, modelVersionId: number, primaryTag: string) {
  const history = await listBenchmarks(db, { modelVersionId, page: 1, pageSize: 200, sort: "created", order: "desc" });
  const done = history.rows
    .filter((r) => r.status === "done" && r.accuracy !== null)
    .sort((a, b) => new Date(b.datasetCreatedAt).getTime() - new Date(a.datasetCreatedAt).getTime() || b.datasetVersionId - a.datasetVersionId);
  const newestByTag = new Map<string, BenchmarkRow>();
  for (const row of done) if (!newestByTag.has(row.tag)) newestByTag.set(row.tag, row);
  const tags = [...newestByTag.keys()].sort((a, b) => Number(b === primaryTag) - Number(a === primaryTag) || a.localeCompare(b));
  const series: TagSeries[] = tags.map((tag) => ({
    tag,
    primary: tag === primaryTag,
    points: done
      .filter((r) => r.tag === tag)
      .reverse()
      .map((r) => ({
        benchmarkId: r.id,
        at: new Date(r.datasetCreatedAt).getTime(),
        label: `${r.tag} ${r.datasetHash.slice(0, 8)}`,
        accuracy: estimateOf(r)!,
        macroF1: r.macroF1,
      })),
  }));
  return {
    history,
    primary: newestByTag.get(primaryTag) ?? null,
    others: tags.filter((t) => t !== primaryTag).map((t) => newestByTag.get(t)!),
    series,
  };
}

export type ModelEvaluations = Awaited<ReturnType<typeof modelEvaluations>>;

/** A spreadsheet cell: quoted when needed, and never read as a formula (CSV injection). */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

type CsvColumn = [string, (r: BenchmarkRow) => unknown];
/** The 95 % interval of a figure as two columns, `<name>_low` and `<name>_high`. */
const bounds = (name: string, of: (r: BenchmarkRow) => Interval | null | undefined): CsvColumn[] => [
  [`${name}_low`, (r) => of(r)?.low ?? null],
  [`${name}_high`, (r) => of(r)?.high ?? null],
];

const CSV_COLUMNS: CsvColumn[] = [
  ["id", (r) => r.id],
  ["status", (r) => r.status],
  ["model", (r) => r.model],
  ["version", (r) => r.version],
  ["algorithm", (r) => r.algorithm],
  ["author", (r) => r.author],
  ["dataset_tag", (r) => r.tag],
  ["dataset_version_id", (r) => r.datasetVersionId],
  ["dataset_hash", (r) => r.datasetHash],
  ["samples", (r) => r.sampleCount],
  ["small_sample", (r) => (r.sampleCount === null ? null : r.sampleCount < config().evaluation.minSamples)],
  ["accuracy", (r) => r.accuracy],
  ...bounds("accuracy", (r) => estimateOf(r)?.interval),
  ["balanced_accuracy", (r) => r.balancedAccuracy],
  ...bounds("balanced_accuracy", (r) => r.intervals?.balancedAccuracy),
  ["macro_f1", (r) => r.macroF1],
  ...bounds("macro_f1", (r) => r.intervals?.macroF1),
  ["log_loss", (r) => r.logLoss],
  ...bounds("log_loss", (r) => r.intervals?.logLoss),
  ["macro_auc", (r) => r.macroAuc],
  ...bounds("macro_auc", (r) => r.intervals?.macroAuc),
  ["ece", (r) => r.ece],
  ["wall_ms", (r) => r.wallMs],
  ["throughput_per_s", (r) => r.throughput],
  ["trigger", (r) => r.trigger],
  ["created_at", (r) => r.createdAt],
  ["finished_at", (r) => r.finishedAt],
  ["error", (r) => r.error],
];

export function benchmarksToCsv(rows: BenchmarkRow[]): string {
  return toCsv(
    CSV_COLUMNS.map(([name]) => name),
    rows.map((r) => CSV_COLUMNS.map(([, get]) => get(r))),
  );
}

/** One benchmark's per-class table (precision, recall, F1, support, AUC) as CSV. */
export function perClassCsv(detail: BenchmarkDetail): string {
  const perClass =
    (detail.metrics?.per_class as { perClass?: Array<{ precision: number; recall: number; f1: number; support: number }> } | undefined)?.perClass ?? [];
  const roc = (detail.metrics?.roc_auc as { perClass?: Array<{ auc: number | null }> } | undefined)?.perClass ?? [];
  return toCsv(
    ["class", "char", "precision", "recall", "f1", "support", "auc"],
    perClass.map((c, i) => [i, KMNIST_CLASSES[i]?.char ?? "", c.precision, c.recall, c.f1, c.support, roc[i]?.auc ?? null]),
  );
}

/** A model version's explanation row (status, and the attributions once done). */
export async function explanationOf(db: Db, modelVersionId: number) {
  const [row] = await db
    .select({
      modelVersionId: modelExplanations.modelVersionId,
      benchmarkId: modelExplanations.benchmarkId,
      status: modelExplanations.status,
      attempts: modelExplanations.attempts,
      error: modelExplanations.error,
      seconds: modelExplanations.seconds,
      methods: modelExplanations.methods,
      createdAt: modelExplanations.createdAt,
      finishedAt: modelExplanations.finishedAt,
    })
    .from(modelExplanations)
    .where(eq(modelExplanations.modelVersionId, modelVersionId));
  return row ?? null;
}
