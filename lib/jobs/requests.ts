import { requestRerun } from "@/lib/benchmark";
import type { Db } from "@/lib/db";
import { pipelineBusy } from "@/lib/pipeline";
import { BENCHMARKS_REQUESTED, TRAIN_REQUESTED } from "./catalogue";
import { sendEvent } from "./index";

/**
 * What people ask the job engine for, from the API and from the admin page alike: the busy
 * check and the event live here once.
 */
export type JobRequestResult = { accepted: true; engine: string; ids: string[] } | { accepted: false; reason: string };

/** A training pipeline run, unless one is already queued or running (one at a time). */
export async function requestTraining(db: Db, request: { actor: string; algorithms?: string[] }): Promise<JobRequestResult> {
  if (await pipelineBusy(db)) return { accepted: false, reason: "A training pipeline is already queued or running." };
  return { accepted: true, ...(await sendEvent(TRAIN_REQUESTED, { trigger: "ui", actor: request.actor, ...(request.algorithms ? { algorithms: request.algorithms } : {}) })) };
}

/**
 * A benchmark sweep: every followed tag checked for new versions, every due benchmark run.
 * `rerun` first queues those finished benchmarks again (BenchmarkStateError if one is busy or unknown).
 */
export async function requestBenchmarkSweep(db: Db, request: { actor: string; reason: string; rerun?: number[] }): Promise<Extract<JobRequestResult, { accepted: true }>> {
  if (request.rerun?.length) await requestRerun(db, request.rerun, request.actor);
  return { accepted: true, ...(await sendEvent(BENCHMARKS_REQUESTED, { reason: request.reason, actor: request.actor })) };
}
