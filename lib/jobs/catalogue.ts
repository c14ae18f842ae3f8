import { z } from "zod";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import type { TriggerDetail, TriggerKind } from "@/lib/pipeline";
import { objectStore } from "@/lib/storage";
import { BENCHMARKS_REQUESTED, DATA_IMPORT_REQUESTED, MODELS_POLL_REQUESTED, MONITORING_REQUESTED, TRAIN_REQUESTED } from "./events";
import type { StepRunner } from "./steps";

/**
 * Every background job, described once. The embedded runner (lib/jobs/runner.ts) and the
 * Inngest functions (jobs/functions.ts) both run these definitions, so both engines call
 * identical lib/ services. Handlers load their area when they first run (dynamic imports):
 * a route that only sends an event, such as POST /api/feedback, does not load the benchmark
 * engine or the training pipeline, and the job engine depends on no area it runs.
 */
export interface JobDefinition<P = unknown> {
  name: string;
  /** Event that triggers the job. */
  event?: string;
  /** Cron schedule, or null for none. */
  cron(): string | null;
  /** Attempts in all (first try included). */
  maxAttempts: number;
  /** Jobs of this name that may run at once. */
  concurrency: number;
  payload: z.ZodType<P>;
  /** `signal` fires when the engine shuts down: long work stops with InterruptedError at its next check. */
  run(payload: P, step: StepRunner, signal?: AbortSignal): Promise<unknown>;
  /** Events to send once a run has succeeded, decided from its result. */
  followUps?(result: unknown): FollowUpEvent[];
  /**
   * Events arriving while a run is already queued fold into it (embedded: one pending job;
   * Inngest: a short debounce). For jobs that take whatever has accumulated.
   */
  coalesce?: boolean;
}

export interface FollowUpEvent {
  name: string;
  data: Record<string, unknown>;
}

/** New model versions are benchmarked right away rather than at the next scheduled sweep. */
const benchmarkNewModels: FollowUpEvent = { name: BENCHMARKS_REQUESTED, data: { reason: "model_registered" } };

// The pipeline's trigger kinds (lib/pipeline TriggerKind), listed here because jobs loads no area eagerly.
const TRIGGERS = ["schedule", "event", "ui", "cli", "bootstrap", "data", "drift", "accuracy"] as const satisfies readonly TriggerKind[];

const trainPayload = z.object({
  trigger: z.enum(TRIGGERS).default("event"),
  triggerDetail: z
    .object({
      reason: z.string().max(1000),
      newRecords: z.number().int().optional(),
      trainingVersionId: z.number().int().positive().optional(),
      driftReportId: z.number().int().positive().optional(),
      liveAccuracy: z.object({ before: z.number(), after: z.number(), window: z.number().int() }).optional(),
    })
    .optional(),
  actor: z.string().min(1).max(200).default("system"),
  trainingTag: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,99}$/)
    .optional(),
  trainingVersionId: z.number().int().positive().max(2_147_483_647).optional(),
  algorithms: z
    .array(z.enum(["logreg", "tree", "cnn"]))
    .min(1)
    .optional(),
  hyperparameters: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** A hyperparameter search of one family instead of one model per family. */
  search: z
    .object({
      algorithm: z.enum(["logreg", "tree", "cnn"]),
      budgetSeconds: z.number().int().min(10).max(86_400),
    })
    .optional(),
});

/** A training request a trigger sends (the train-pipeline job's payload). */
type TrainRequest = Pick<z.infer<typeof trainPayload>, "trigger" | "actor" | "triggerDetail">;

export const trainPipelineJob: JobDefinition<z.infer<typeof trainPayload>> = {
  name: "train-pipeline",
  event: TRAIN_REQUESTED,
  cron: () => config().jobs.trainSchedule,
  maxAttempts: 3,
  // Training uses the whole machine: one pipeline at a time.
  concurrency: 1,
  payload: trainPayload,
  async run(payload, step, signal) {
    const { trainingPipeline } = await import("@/lib/pipeline");
    return trainingPipeline({ db: await getDb(), store: objectStore(), signal }, payload, step);
  },
  followUps: () => [benchmarkNewModels],
};

export const pollModelsJob: JobDefinition<Record<string, unknown>> = {
  name: "poll-models",
  event: MODELS_POLL_REQUESTED,
  cron: () => config().jobs.modelPollSchedule,
  maxAttempts: 2,
  concurrency: 1,
  payload: z.record(z.string(), z.unknown()),
  async run(_payload, step) {
    const { pollModelDrops } = await import("@/lib/registry");
    const { pollDataDrops } = await import("@/lib/data");
    const result = await step.run("scan-drop-prefix", async () => pollModelDrops(await getDb(), objectStore()));
    // Labelled batches dropped as folders (drop/<source>/labels.csv + images, or an idx pair) become imports.
    const data = await step.run("scan-data-drops", async () => pollDataDrops(await getDb(), objectStore(), { maxBytes: config().importMaxBytes }));
    return {
      registered: result.registered.map((r) => r.entry),
      rejected: [...result.rejected, ...data.rejected],
      waiting: [...result.waiting, ...data.waiting],
      imports: data.queued,
    };
  },
  followUps: (result) => {
    const { registered, imports } = result as { registered: string[]; imports: Array<{ importId: number }> };
    return [...(registered.length > 0 ? [benchmarkNewModels] : []), ...imports.map(({ importId }) => ({ name: DATA_IMPORT_REQUESTED, data: { importId } }))];
  },
};

const benchmarkPayload = z.object({ reason: z.string().max(200).optional(), trigger: z.string().max(50).optional(), actor: z.string().max(200).optional() });

/**
 * The benchmark engine: resolves followed tags (new dataset versions), queues what is
 * missing, then runs every due benchmark and explanation in the worker pool.
 */
export const benchmarkJob: JobDefinition<z.infer<typeof benchmarkPayload>> = {
  name: "benchmarks",
  event: BENCHMARKS_REQUESTED,
  cron: () => config().benchmarks.schedule,
  maxAttempts: 3,
  // One sweep at a time; it runs benchmarks in parallel itself.
  concurrency: 1,
  payload: benchmarkPayload,
  async run(_payload, step, signal) {
    const { benchmarkSweep, engineOptions } = await import("@/lib/benchmark");
    const deps = { db: await getDb(), store: objectStore() };
    // One step: planning and running are each idempotent, and a resumed sweep re-plans.
    return step.run("sweep", () => benchmarkSweep(deps, engineOptions({ signal })));
  },
};

const monitoringPayload = z.object({ reason: z.string().max(200).optional(), trigger: z.string().max(50).optional(), actor: z.string().max(200).optional() });

/**
 * The monitoring loop: new feedback becomes labelled records (a new feedback tag version,
 * so benchmarks follow, and its train part may make the data trigger due), the champion's
 * newest inputs are checked for drift, and old prediction logs, log rows and finished jobs
 * are purged (PREDICTION_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS, JOB_RETENTION_DAYS).
 */
export const monitoringJob: JobDefinition<z.infer<typeof monitoringPayload>> = {
  name: "monitoring",
  event: MONITORING_REQUESTED,
  cron: () => config().monitoring.schedule,
  maxAttempts: 3,
  concurrency: 1,
  coalesce: true,
  payload: monitoringPayload,
  async run(_payload, step) {
    const { checkDrift, ingestFeedback, purgeOperationalData, purgePredictions } = await import("@/lib/monitoring");
    const { liveAccuracyTrigger, trainingDataTrigger } = await import("@/lib/pipeline");
    const db = await getDb();
    const store = objectStore();
    const { minWindow, maxWindow, thresholds, retentionDays } = config().monitoring;
    const feedback = await step.run("ingest-feedback", () => ingestFeedback(db, store));
    const drift = await step.run("check-drift", async () => {
      const check = await checkDrift(db, store, { minWindow, maxWindow, thresholds });
      return check.status === "checked" ? { status: check.status, reportId: check.report.id, level: check.report.level } : check;
    });
    const purged = await step.run("purge-predictions", () => purgePredictions(db, retentionDays));
    const retention = await step.run("purge-logs-and-jobs", () => purgeOperationalData(db, config().retention));
    // The data-driven triggers, first due first: new training records, a drift alert, a fall in live accuracy.
    const retrain = await step.run("check-triggers", async (): Promise<TrainRequest | null> => {
      if (feedback.records > 0) {
        const data = await trainingDataTrigger(db, store);
        if (data.due) return { trigger: "data", actor: "feedback", triggerDetail: data.detail };
      }
      if (drift.status === "checked" && drift.level === "drift" && config().training.retrainOnDrift) {
        return {
          trigger: "drift",
          actor: "monitoring",
          triggerDetail: { reason: `drift alert on the champion's live inputs (report ${drift.reportId})`, driftReportId: drift.reportId },
        };
      }
      const accuracy = await liveAccuracyTrigger(db);
      return accuracy.due ? { trigger: "accuracy", actor: "monitoring", triggerDetail: accuracy.detail } : null;
    });
    return { feedback, drift, purged, retention, retrain };
  },
  followUps: (result) => {
    const { feedback, retrain } = result as { feedback: { records: number }; retrain: TrainRequest | null };
    return [
      ...(feedback.records > 0 ? [{ name: BENCHMARKS_REQUESTED, data: { reason: "feedback" } }] : []),
      ...(retrain ? [{ name: TRAIN_REQUESTED, data: { ...retrain } }] : []),
    ];
  },
};

const importPayload = z.object({ importId: z.number().int().positive().max(2_147_483_647) });

/**
 * A labelled batch sent to POST /api/datasets/imports: read, preprocessed and added as one
 * import batch; then the data trigger looks at the training tag. Follow-ups: benchmarks (the
 * source's holdout tag is followed by every model) and, when enough new training records
 * arrived, the training pipeline with trigger "data".
 */
export const importDataJob: JobDefinition<z.infer<typeof importPayload>> = {
  name: "import-data",
  event: DATA_IMPORT_REQUESTED,
  cron: () => null,
  maxAttempts: 3,
  concurrency: 1,
  payload: importPayload,
  async run({ importId }, step) {
    const { runImport } = await import("@/lib/data");
    const { trainingDataTrigger } = await import("@/lib/pipeline");
    const db = await getDb();
    const store = objectStore();
    const imported = await step.run("import", async () => {
      const row = await runImport(db, store, importId);
      return { status: row.status, accepted: row.report?.accepted ?? 0 };
    });
    const retrain = imported.accepted > 0 ? await step.run("check-training-data", () => trainingDataTrigger(db, store)) : null;
    return { importId, ...imported, retrain };
  },
  followUps: (result) => {
    const { importId, accepted, retrain } = result as { importId: number; accepted: number; retrain: { due: boolean; detail: TriggerDetail } | null };
    const request: TrainRequest | null = retrain?.due ? { trigger: "data", actor: `import ${importId}`, triggerDetail: retrain.detail } : null;
    return [
      ...(accepted > 0 ? [{ name: BENCHMARKS_REQUESTED, data: { reason: "import" } }] : []),
      ...(request ? [{ name: TRAIN_REQUESTED, data: { ...request } }] : []),
    ];
  },
};

export const JOB_DEFINITIONS: JobDefinition[] = [
  trainPipelineJob as JobDefinition,
  pollModelsJob as JobDefinition,
  benchmarkJob as JobDefinition,
  monitoringJob as JobDefinition,
  importDataJob as JobDefinition,
];
