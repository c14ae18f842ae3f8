import { z } from "zod";
import { benchmarkSweep } from "@/lib/benchmark";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { trainingPipeline, type StepRunner } from "@/lib/pipeline";
import { pollModelDrops } from "@/lib/registry/drop";
import { objectStore } from "@/lib/storage";

/**
 * Every background job, described once. The embedded runner (lib/jobs/runner.ts) and the
 * Inngest functions (jobs/functions.ts) both run these definitions, so both engines call
 * identical lib/ services.
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
  run(payload: P, step: StepRunner): Promise<unknown>;
  /** Events to send once a run has succeeded, decided from its result. */
  followUps?(result: unknown): FollowUpEvent[];
}

export interface FollowUpEvent {
  name: string;
  data: Record<string, unknown>;
}

export const TRAIN_REQUESTED = "kana/train.requested";
export const BENCHMARKS_REQUESTED = "kana/benchmarks.requested";

/** New model versions are benchmarked right away rather than at the next scheduled sweep. */
const benchmarkNewModels: FollowUpEvent = { name: BENCHMARKS_REQUESTED, data: { reason: "model_registered" } };

const trainPayload = z.object({
  trigger: z.enum(["schedule", "event", "ui", "cli", "bootstrap"]).default("event"),
  actor: z.string().min(1).max(200).default("system"),
  algorithms: z.array(z.enum(["logreg", "tree", "cnn"])).min(1).optional(),
  hyperparameters: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

export const trainPipelineJob: JobDefinition<z.infer<typeof trainPayload>> = {
  name: "train-pipeline",
  event: TRAIN_REQUESTED,
  cron: () => config().jobs.trainSchedule,
  maxAttempts: 3,
  // Training uses the whole machine: one pipeline at a time.
  concurrency: 1,
  payload: trainPayload,
  async run(payload, step) {
    return trainingPipeline({ db: await getDb(), store: objectStore() }, payload, step);
  },
  followUps: () => [benchmarkNewModels],
};

export const pollModelsJob: JobDefinition<Record<string, unknown>> = {
  name: "poll-models",
  event: "kana/models.poll",
  cron: () => config().jobs.modelPollSchedule,
  maxAttempts: 2,
  concurrency: 1,
  payload: z.record(z.string(), z.unknown()),
  async run(_payload, step) {
    const result = await step.run("scan-drop-prefix", async () => pollModelDrops(await getDb(), objectStore()));
    return { registered: result.registered.map((r) => r.entry), rejected: result.rejected, waiting: result.waiting };
  },
  followUps: (result) => ((result as { registered: string[] }).registered.length > 0 ? [benchmarkNewModels] : []),
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
  async run(_payload, step) {
    const deps = { db: await getDb(), store: objectStore() };
    // One step: planning and running are each idempotent, and a resumed sweep re-plans.
    return step.run("sweep", () => benchmarkSweep(deps));
  },
};

export const JOB_DEFINITIONS: JobDefinition[] = [trainPipelineJob as JobDefinition, pollModelsJob as JobDefinition, benchmarkJob as JobDefinition];
