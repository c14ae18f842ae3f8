import { z } from "zod";
import { idParam, isoDate, operation, rowIdSchema } from "@/lib/http";
import { jobAcceptedSchema } from "@/lib/jobs";
import { benchmarkQuerySchema } from "./queries";

/** The API of benchmarks: lists, exports, one benchmark, the leaderboard, explanations, sweeps. */

const nullableNumber = z.number().nullable();

const intervalSchema = z
  .object({ low: z.number(), high: z.number(), method: z.enum(["wilson", "bootstrap"]) })
  .meta({ id: "Interval", description: "A 95 % interval" });

export const evaluationIntervalsSchema = z
  .object({
    n: z.number().int().meta({ description: "Images evaluated" }),
    accuracy: intervalSchema,
    top3Accuracy: intervalSchema,
    balancedAccuracy: intervalSchema,
    macroF1: intervalSchema,
    logLoss: intervalSchema,
    macroAuc: intervalSchema.nullable(),
    bootstrap: z.object({ seed: z.number().int(), resamples: z.number().int() }),
  })
  .meta({ id: "EvaluationIntervals", description: "Wilson intervals for accuracy-like figures, a seeded stratified bootstrap for the others" });

export const benchmarkRowSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(["pending", "running", "done", "failed"]),
    trigger: z.string().meta({ description: "Why it was (last) queued: model_registered, dataset_version, manual, ..." }),
    attempts: z.number().int(),
    runs: z.number().int().meta({ description: "Completed runs of this pair" }),
    error: z.string().nullable(),
    modelVersionId: z.number().int(),
    model: z.string(),
    version: z.number().int(),
    algorithm: z.string(),
    author: z.string(),
    datasetVersionId: z.number().int(),
    tag: z.string(),
    datasetHash: z.string(),
    datasetCreatedAt: isoDate,
    accuracy: nullableNumber,
    balancedAccuracy: nullableNumber,
    macroF1: nullableNumber,
    logLoss: nullableNumber,
    macroAuc: nullableNumber,
    ece: nullableNumber,
    sampleCount: z.number().int().nullable(),
    intervals: evaluationIntervalsSchema.nullable().meta({ description: "Null before it finished (or for benchmarks from before intervals were stored)" }),
    wallMs: nullableNumber,
    throughput: nullableNumber.meta({ description: "Samples per second of batched inference" }),
    createdAt: isoDate,
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
  })
  .meta({ id: "BenchmarkRow" });

export const benchmarkPageSchema = z.object({
  rows: z.array(benchmarkRowSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pages: z.number().int(),
});

export const benchmarkInfoSchema = z.object({
  loadDataMs: z.number(),
  loadModelMs: z.number(),
  inferMs: z.number(),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), samples: z.number() }),
  metricsMs: z.number(),
  wallMs: z.number(),
  throughput: z.number(),
  peakWorkerMemoryMb: z.number(),
  backend: z.string(),
  backendDetail: z.string().optional(),
  workers: z.number(),
});

export const benchmarkDetailSchema = benchmarkRowSchema
  .extend({
    metrics: z.record(z.string(), z.unknown()).nullable().meta({ description: "The metric registry's results by id" }),
    info: benchmarkInfoSchema.nullable().meta({ description: "Timings and resources (informational)" }),
    hyperparameters: z.record(z.string(), z.unknown()),
    explanation: z.object({ status: z.enum(["pending", "running", "done", "failed"]), benchmarkId: z.number().int(), error: z.string().nullable() }).nullable(),
  })
  .meta({ id: "BenchmarkDetail" });

const rankedRowSchema = benchmarkRowSchema
  .extend({
    standing: z
      .enum(["leader", "tied", "small_sample"])
      .nullable()
      .meta({ description: "leader: most accurate with enough images; tied: its interval overlaps the leader's; small_sample: too few images to rank" }),
    accuracyEstimate: z.object({ value: z.number(), n: z.number().int(), interval: intervalSchema }).nullable(),
  })
  .meta({ id: "RankedBenchmark" });

export const bestModelsSchema = z.object({
  byTagAndAlgorithm: z.array(rankedRowSchema).meta({ description: "The best of each algorithm on each tag's newest benchmarked version, ranked" }),
  byTag: z.array(rankedRowSchema).meta({ description: "The leader of each tag (tags whose benchmarks are all small samples have none)" }),
});

const explanationExampleSchema = z.object({
  index: z.number().int(),
  label: z.number().int(),
  predicted: z.number().int(),
  confidence: z.number(),
  image: z.array(z.number()),
  attribution: z.array(z.number()),
});

export const explanationSchema = z
  .object({
    modelVersionId: z.number().int(),
    benchmarkId: z.number().int(),
    status: z.enum(["pending", "running", "done", "failed"]),
    attempts: z.number().int(),
    error: z.string().nullable(),
    seconds: z.number().nullable(),
    methods: z
      .array(
        z.object({
          method: z.enum(["linear_shap", "integrated_gradients", "kernel_shap"]),
          title: z.string(),
          classMeans: z.array(z.array(z.number())).meta({ description: "Per class: the mean 28x28 attribution towards the true class" }),
          examples: z.array(explanationExampleSchema),
          samples: z.number().int(),
          seconds: z.number(),
          parameters: z.record(z.string(), z.unknown()),
        }),
      )
      .nullable(),
    createdAt: isoDate,
    finishedAt: isoDate.nullable(),
  })
  .meta({ id: "Explanation" });

export const benchmarkListQuerySchema = benchmarkQuerySchema.extend({
  format: z.enum(["json", "csv"]).optional().meta({ description: "A download of every match (up to 10,000) instead of a page" }),
});
export const runBenchmarksSchema = z
  .object({ rerun: z.array(rowIdSchema).min(1).max(500).optional().meta({ description: "Finished benchmarks to run again (all or none)" }) })
  .strict();
const idParams = z.object({ id: idParam });

export const listBenchmarksOperation = operation({
  id: "listBenchmarks",
  method: "GET",
  path: "/api/benchmarks",
  tag: "Benchmarks",
  access: "viewer",
  summary: "List benchmarks (filter, sort, paginate) or export them",
  description:
    "A benchmark is one model version evaluated on one dataset version. With `format=csv` or `format=json` every match (up to 10,000) is returned as a download instead of a page.",
  query: benchmarkListQuerySchema,
  responses: {
    200: {
      description: "A page of benchmarks; with `format=json` the export, every match as an array (a download)",
      json: z.union([benchmarkPageSchema, z.array(benchmarkRowSchema)]),
      media: { "text/csv": "The export as CSV (`format=csv`)" },
    },
  },
});

export const runBenchmarksOperation = operation({
  id: "runBenchmarks",
  method: "POST",
  path: "/api/benchmarks",
  tag: "Benchmarks",
  access: "admin",
  summary: "Run the benchmark engine now, optionally re-running finished benchmarks",
  body: runBenchmarksSchema,
  responses: { 202: { description: "Queued on the job engine", json: jobAcceptedSchema.extend({ rerun: z.array(z.number().int()) }) } },
  errors: { 409: { description: "A benchmark to re-run is unknown, queued or running; nothing was queued", codes: ["benchmark_busy"] } },
});

export const getBenchmarkOperation = operation({
  id: "getBenchmark",
  method: "GET",
  path: "/api/benchmarks/{id}",
  tag: "Benchmarks",
  access: "viewer",
  summary: "One benchmark with every metric, its timings and its model's explanation status",
  params: idParams,
  query: z.object({ format: z.enum(["json", "csv"]).default("json").meta({ description: "`csv`: the per-class table" }) }).strict(),
  responses: { 200: { description: "The benchmark", json: benchmarkDetailSchema, media: { "text/csv": "The per-class table (`format=csv`)" } } },
  errors: { 404: { description: "No such benchmark", codes: ["not_found"] } },
});

export const bestModelsOperation = operation({
  id: "bestModels",
  method: "GET",
  path: "/api/benchmarks/best",
  tag: "Benchmarks",
  access: "viewer",
  summary: "Leaderboard: the best model per dataset tag and algorithm, and per tag",
  responses: { 200: { description: "The leaders", json: bestModelsSchema } },
});

export const explanationOperation = operation({
  id: "getExplanation",
  method: "GET",
  path: "/api/models/versions/{id}/explanation",
  tag: "Models",
  access: "viewer",
  summary: "A model version's attributions (exact linear SHAP, integrated gradients, KernelSHAP over patches)",
  params: idParams,
  responses: { 200: { description: "Per method: per-class mean 28x28 heatmaps and example explanations", json: explanationSchema } },
  errors: { 404: { description: "No explanation yet (it is made after the model's first benchmark)", codes: ["not_found"] } },
});
