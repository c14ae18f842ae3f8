import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { BenchmarkInfo } from "@/lib/benchmark";
import type { ImportReport, TagQuery } from "@/lib/data";
import type { ExplanationMethodResult } from "@/lib/explain";
import type { EvaluationIntervals, StoredMetrics } from "@/lib/metrics";
import type { TrainProgress } from "@/lib/ml";
import type { PipelineCandidate, PromotionComparison, SearchStrategy, TriggerDetail } from "@/lib/pipeline";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** Where records come from: the official KMNIST files, user feedback, ... */
export const datasetSources = pgTable("dataset_sources", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  createdAt: createdAt(),
});

/** One run of an importer: which files (and their md5) produced which records. */
export const importBatches = pgTable("import_batches", {
  id: serial("id").primaryKey(),
  sourceId: integer("source_id")
    .notNull()
    .references(() => datasetSources.id),
  files: jsonb("files").$type<Array<{ name: string; md5: string; bytes: number }>>().notNull(),
  recordCount: integer("record_count").notNull(),
  createdAt: createdAt(),
});

/**
 * A labelled 28x28 image. Pixels live in the object store (`imageKey`, a uint8 snapshot
 * of many images; `imageIndex` is this record's position in it); metadata lives here.
 * `officialSplit` is the split of the official files; `offlineSplit` is the split the
 * offline protocol assigns (only set for records of the official test file).
 */
export const datasetRecords = pgTable(
  "dataset_records",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sourceId: integer("source_id")
      .notNull()
      .references(() => datasetSources.id),
    batchId: integer("batch_id")
      .notNull()
      .references(() => importBatches.id),
    sourceKey: text("source_key").notNull(),
    label: smallint("label").notNull(),
    officialSplit: text("official_split", { enum: ["train", "test"] }).notNull(),
    offlineSplit: text("offline_split", { enum: ["train", "holdout"] }),
    imageKey: text("image_key").notNull(),
    imageIndex: integer("image_index").notNull(),
    /** sha256 of the 784 pixels: a duplicate is found by content (null for records from before #18). */
    contentHash: text("content_hash"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("dataset_records_source_key").on(t.sourceId, t.sourceKey),
    index("dataset_records_split").on(t.sourceId, t.officialSplit, t.offlineSplit),
    index("dataset_records_content_hash").on(t.contentHash),
  ],
);

/**
 * A labelled batch sent for import (zip with labels.csv, or an idx pair): the upload waits in
 * the object store under `imports/<id>/`, the `import-data` job reads it, and the report says
 * what was accepted and what was refused, and why.
 */
export const datasetImports = pgTable("dataset_imports", {
  id: serial("id").primaryKey(),
  source: text("source").notNull(),
  format: text("format", { enum: ["zip", "idx"] }).notNull(),
  status: text("status", { enum: ["pending", "running", "done", "failed"] })
    .notNull()
    .default("pending"),
  /** Object-store keys of the uploaded files. */
  uploadKeys: jsonb("upload_keys").$type<string[]>().notNull(),
  bytes: integer("bytes").notNull(),
  progress: jsonb("progress").$type<{ done: number; total: number }>(),
  report: jsonb("report").$type<ImportReport>(),
  error: text("error"),
  batchId: integer("batch_id").references(() => importBatches.id),
  actor: text("actor").notNull(),
  createdAt: createdAt(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/** A saved query over records. Resolving it yields an immutable version. */
export const datasetTags = pgTable("dataset_tags", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  query: jsonb("query").$type<TagQuery>().notNull(),
  /** Every live model version is benchmarked on this tag (e.g. feedback), not only those naming it. */
  followedByAll: boolean("followed_by_all").notNull().default(false),
  /** Archived tags keep their versions and benchmarks but get no new ones. */
  archived: boolean("archived").notNull().default(false),
  createdAt: createdAt(),
});

export const datasetVersions = pgTable(
  "dataset_versions",
  {
    id: serial("id").primaryKey(),
    tagId: integer("tag_id")
      .notNull()
      .references(() => datasetTags.id),
    contentHash: text("content_hash").notNull(),
    protocol: text("protocol", { enum: ["official", "offline"] }).notNull(),
    recordCount: integer("record_count").notNull(),
    classCounts: jsonb("class_counts").$type<number[]>().notNull(),
    /** Object-store key of the compact snapshot (labels + uint8 images). */
    snapshotKey: text("snapshot_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("dataset_versions_tag_hash").on(t.tagId, t.contentHash)],
);

export const models = pgTable("models", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  createdAt: createdAt(),
});

/** One immutable model artifact (manifest + weights in the object store). */
export const modelVersions = pgTable(
  "model_versions",
  {
    id: serial("id").primaryKey(),
    modelId: integer("model_id")
      .notNull()
      .references(() => models.id),
    version: integer("version").notNull(),
    algorithm: text("algorithm").notNull(),
    author: text("author").notNull(),
    datasetTag: text("dataset_tag").notNull(),
    /** Tags it is benchmarked on besides its primary one (`datasetTag`). */
    alsoFollows: text("also_follows")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    trainingDataVersionId: integer("training_data_version_id").references(() => datasetVersions.id),
    hyperparameters: jsonb("hyperparameters").$type<Record<string, unknown>>().notNull(),
    manifest: jsonb("manifest").$type<Record<string, unknown>>().notNull(),
    artifactKey: text("artifact_key").notNull(),
    weightsSha256: text("weights_sha256").notNull(),
    backend: text("backend"),
    codeVersion: text("code_version"),
    archived: boolean("archived").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("model_versions_model_version").on(t.modelId, t.version)],
);

export const trainingRuns = pgTable(
  "training_runs",
  {
    id: serial("id").primaryKey(),
    algorithm: text("algorithm").notNull(),
    /** `interrupted`: its process stopped (shutdown or crash) before it finished. */
    status: text("status", { enum: ["pending", "running", "succeeded", "failed", "interrupted"] })
      .notNull()
      .default("pending"),
    hyperparameters: jsonb("hyperparameters").$type<Record<string, unknown>>().notNull(),
    trainVersionId: integer("train_version_id").references(() => datasetVersions.id),
    evalVersionId: integer("eval_version_id").references(() => datasetVersions.id),
    backend: text("backend"),
    progress: jsonb("progress").$type<TrainProgress>(),
    holdoutAccuracy: doublePrecision("holdout_accuracy"),
    trainSeconds: doublePrecision("train_seconds"),
    modelVersionId: integer("model_version_id").references(() => modelVersions.id),
    /** Set when the run is one step of a pipeline run (pipeline_runs.id). */
    pipelineRunId: integer("pipeline_run_id"),
    /** Set when the run is a trial of a hyperparameter search (hyperparameter_searches.id). */
    searchId: integer("search_id"),
    /** The trial's place in the search: bracket, configuration and rung, e.g. `b0-c3-r1` (a resumed search skips trials it has). */
    searchTrial: text("search_trial"),
    /** The successive-halving rung (0 = the smallest training budget). */
    rung: integer("rung"),
    /** Accuracy on the search's validation split of the training data: what the search selects on (never the holdout). */
    validationAccuracy: doublePrecision("validation_accuracy"),
    /** The live process training it (lib/leases); a stale heartbeat means it is not running any more. */
    lockedBy: text("locked_by"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("training_runs_created").on(t.createdAt),
    index("training_runs_pipeline").on(t.pipelineRunId, t.algorithm),
    index("training_runs_search").on(t.searchId),
  ],
);

/**
 * A hyperparameter search: random configurations of one family's declared space, trained with
 * successive halving inside a time budget; its trials are training runs (search_id). The best
 * trial is registered and goes through the pipeline run's promotion gate.
 */
export const hyperparameterSearches = pgTable(
  "hyperparameter_searches",
  {
    id: serial("id").primaryKey(),
    pipelineRunId: integer("pipeline_run_id").notNull(),
    algorithm: text("algorithm").notNull(),
    status: text("status", { enum: ["running", "succeeded", "failed", "interrupted"] })
      .notNull()
      .default("running"),
    budgetSeconds: integer("budget_seconds").notNull(),
    strategy: jsonb("strategy").$type<SearchStrategy>().notNull(),
    seed: integer("seed").notNull(),
    trainVersionId: integer("train_version_id").references(() => datasetVersions.id),
    validationCount: integer("validation_count"),
    bestTrainingRunId: integer("best_training_run_id"),
    modelVersionId: integer("model_version_id").references(() => modelVersions.id),
    /** Seconds spent on trials so far (a resumed search continues from here, so the budget holds across restarts). */
    spentSeconds: doublePrecision("spent_seconds").notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("hyperparameter_searches_pipeline").on(t.pipelineRunId, t.algorithm), index("hyperparameter_searches_started").on(t.startedAt)],
);

export const logs = pgTable(
  "logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ts: timestamp("ts", { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    level: text("level", { enum: ["debug", "info", "warn", "error"] }).notNull(),
    component: text("component").notNull(),
    message: text("message").notNull(),
    context: jsonb("context").$type<Record<string, unknown>>(),
  },
  (t) => [index("logs_ts").on(t.ts), index("logs_level_ts").on(t.level, t.ts)],
);

/** A named pointer to one model version ("champion", or any free-form name). */
export const modelAliases = pgTable("model_aliases", {
  alias: text("alias").primaryKey(),
  modelVersionId: integer("model_version_id")
    .notNull()
    .references(() => modelVersions.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Every move of an alias: who or what moved it, from which version to which, and why. */
export const aliasHistory = pgTable(
  "alias_history",
  {
    id: serial("id").primaryKey(),
    alias: text("alias").notNull(),
    fromVersionId: integer("from_version_id").references(() => modelVersions.id),
    toVersionId: integer("to_version_id").references(() => modelVersions.id),
    action: text("action", { enum: ["promote", "rollback", "remove"] }).notNull(),
    actor: text("actor").notNull(),
    reason: text("reason").notNull(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("alias_history_alias_created").on(t.alias, t.createdAt)],
);

/** Changes made to the registry and (later) through the admin area, with before/after values. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ts: timestamp("ts", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
  },
  (t) => [index("audit_log_ts").on(t.ts)],
);

/** One run of the training pipeline and the promotion decision it made, either way. */
export const pipelineRuns = pgTable(
  "pipeline_runs",
  {
    id: serial("id").primaryKey(),
    trigger: text("trigger").notNull(),
    actor: text("actor").notNull(),
    /** `interrupted`: no process holds it any more; its job resumes it when retried. */
    status: text("status", { enum: ["running", "succeeded", "failed", "interrupted"] })
      .notNull()
      .default("running"),
    lockedBy: text("locked_by"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    trainVersionId: integer("train_version_id").references(() => datasetVersions.id),
    holdoutVersionId: integer("holdout_version_id").references(() => datasetVersions.id),
    candidates: jsonb("candidates").$type<PipelineCandidate[]>(),
    championBeforeId: integer("champion_before_id").references(() => modelVersions.id),
    championBeforeAccuracy: doublePrecision("champion_before_accuracy"),
    championAfterId: integer("champion_after_id").references(() => modelVersions.id),
    decision: text("decision", { enum: ["promoted", "kept"] }),
    /** The paired test behind the decision: both models on the same holdout images. */
    comparison: jsonb("comparison").$type<PromotionComparison>(),
    /** The same paired test on the holdout of every other source in the training tag (imports, feedback), each reported apart. */
    sourceComparisons: jsonb("source_comparisons").$type<PromotionComparison[]>(),
    /** Why the run started, with the trigger's numbers (new records, drift level, accuracy drop). */
    triggerDetail: jsonb("trigger_detail").$type<TriggerDetail>(),
    reason: text("reason"),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("pipeline_runs_started").on(t.startedAt)],
);

/** Durable jobs of the embedded runner (used when Inngest is not configured). */
export const jobs = pgTable(
  "jobs",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["pending", "running", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    /** Deduplicates enqueues (e.g. one job per cron slot). */
    dedupeKey: text("dedupe_key").unique(),
    lockedBy: text("locked_by"),
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    /** Refreshed by the runner holding it; a running job with a stale heartbeat is taken back. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    lastError: text("last_error"),
    result: jsonb("result"),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("jobs_pending").on(t.status, t.runAt)],
);

/** Memoised step results, so a retried or resumed job skips the steps it already finished. */
export const jobSteps = pgTable(
  "job_steps",
  {
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    step: text("step").notNull(),
    output: jsonb("output"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("job_steps_job_step").on(t.jobId, t.step)],
);

/**
 * One model version evaluated on one dataset version: unique per pair, so a re-run updates
 * the same row. Headline metrics get columns (sorting, filtering); everything else is in
 * `metrics` under the ids of lib/metrics' registry.
 */
export const benchmarks = pgTable(
  "benchmarks",
  {
    id: serial("id").primaryKey(),
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    datasetVersionId: integer("dataset_version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "running", "done", "failed"] })
      .notNull()
      .default("pending"),
    /** Why it was (last) queued: model_registered, dataset_version, manual. */
    trigger: text("trigger").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Completed runs of this pair (a manual re-run adds one). */
    runs: integer("runs").notNull().default(0),
    runAfter: timestamp("run_after", { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text("locked_by"),
    /** Refreshed while running; a stale heartbeat means its process died and the row is reclaimed. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    error: text("error"),
    accuracy: doublePrecision("accuracy"),
    balancedAccuracy: doublePrecision("balanced_accuracy"),
    macroF1: doublePrecision("macro_f1"),
    logLoss: doublePrecision("log_loss"),
    macroAuc: doublePrecision("macro_auc"),
    ece: doublePrecision("ece"),
    sampleCount: integer("sample_count"),
    wallMs: doublePrecision("wall_ms"),
    throughput: doublePrecision("throughput"),
    info: jsonb("info").$type<BenchmarkInfo>(),
    metrics: jsonb("metrics").$type<StoredMetrics>(),
    /** n and the 95 % interval of each headline figure (Wilson, seeded stratified bootstrap). */
    intervals: jsonb("intervals").$type<EvaluationIntervals>(),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("benchmarks_model_dataset").on(t.modelVersionId, t.datasetVersionId),
    index("benchmarks_status_run_after").on(t.status, t.runAfter),
    index("benchmarks_dataset_version").on(t.datasetVersionId),
    index("benchmarks_created").on(t.createdAt),
  ],
);

/**
 * What a finished benchmark predicted for each image of its dataset version, in the
 * snapshot's order: the true label and the three most probable classes with their
 * probabilities (uint16 of 65535ths, little-endian). Enough for paired tests between models
 * and for the images of a confusion cell; about 10 bytes an image.
 */
export const benchmarkPredictions = pgTable("benchmark_predictions", {
  benchmarkId: integer("benchmark_id")
    .primaryKey()
    .references(() => benchmarks.id, { onDelete: "cascade" }),
  count: integer("count").notNull(),
  labels: bytea("labels").notNull(),
  topClasses: bytea("top_classes").notNull(),
  topProbabilities: bytea("top_probabilities").notNull(),
});

/** Attributions of one model version, computed after its first benchmark, on that benchmark's data. */
export const modelExplanations = pgTable(
  "model_explanations",
  {
    id: serial("id").primaryKey(),
    modelVersionId: integer("model_version_id")
      .notNull()
      .unique()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    benchmarkId: integer("benchmark_id")
      .notNull()
      .references(() => benchmarks.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "running", "done", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    runAfter: timestamp("run_after", { withTimezone: true }).notNull().defaultNow(),
    lockedBy: text("locked_by"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    error: text("error"),
    methods: jsonb("methods").$type<ExplanationMethodResult[]>(),
    seconds: doublePrecision("seconds"),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("model_explanations_status").on(t.status, t.runAfter)],
);

/**
 * Accounts that sign in without LDAP: the bootstrap admin. Passwords are stored as scrypt
 * hashes ("scrypt$N$r$p$salt$hash", base64), never in clear.
 */
export const localAccounts = pgTable("local_accounts", {
  username: text("username").primaryKey(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "user"] }).notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The prediction log: what the model saw (the preprocessed 28x28 input), what it answered
 * and how fast, and, once a person says so, what the character really was.
 */
export const predictions = pgTable(
  "predictions",
  {
    id: text("id").primaryKey(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    /** 784 bytes, white ink on black, as the model received it. */
    input: bytea("input").notNull(),
    probabilities: jsonb("probabilities").$type<number[]>().notNull(),
    predicted: smallint("predicted").notNull(),
    confidence: doublePrecision("confidence").notNull(),
    latencyMs: doublePrecision("latency_ms").notNull(),
    feedbackLabel: smallint("feedback_label"),
    feedbackKind: text("feedback_kind", { enum: ["confirmed", "corrected", "none"] }),
    feedbackAt: timestamp("feedback_at", { withTimezone: true }),
    /** The import batch that turned this feedback into a labelled record. */
    feedbackBatchId: integer("feedback_batch_id").references(() => importBatches.id),
    /**
     * Feedback is reviewed before it trains anything: `pending` until a person (or the
     * FEEDBACK_AUTO_APPROVE rule) approves or rejects it; only approved feedback is ingested.
     */
    reviewStatus: text("review_status", { enum: ["pending", "approved", "rejected"] }),
    reviewedBy: text("reviewed_by"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
  },
  (t) => [
    index("predictions_ts").on(t.ts),
    index("predictions_feedback_pending").on(t.feedbackAt, t.feedbackBatchId),
    index("predictions_review").on(t.reviewStatus, t.feedbackAt),
  ],
);

/** One drift check: a window of live inputs against the champion's training data. */
export const driftReports = pgTable(
  "drift_reports",
  {
    id: serial("id").primaryKey(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    referenceVersionId: integer("reference_version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    sampleCount: integer("sample_count").notNull(),
    maxPsi: doublePrecision("max_psi").notNull(),
    pairwiseDistance: doublePrecision("pairwise_distance").notNull(),
    level: text("level", { enum: ["stable", "moderate", "drift"] }).notNull(),
    /** Per feature: KL, Hellinger and PSI (lib/monitoring FeatureDrift[]). */
    features: jsonb("features").$type<Array<{ feature: string; label: string; kl: number; hellinger: number; psi: number }>>().notNull(),
  },
  (t) => [index("drift_reports_window_end").on(t.windowEnd)],
);
