import type { Db } from "@/lib/db";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { requestRerun } from "./plan";

/**
 * A benchmark sweep: every followed tag checked for new versions, every due benchmark run.
 * `rerun` first queues those finished benchmarks again (BenchmarkStateError, and nothing
 * queued, if one is busy or unknown).
 */
export async function requestBenchmarkSweep(
  db: Db,
  request: { actor: string; reason: string; rerun?: number[] },
): Promise<{ accepted: true; engine: string; ids: string[] }> {
  if (request.rerun?.length) await requestRerun(db, request.rerun, request.actor);
  return { accepted: true, ...(await sendEvent(BENCHMARKS_REQUESTED, { reason: request.reason, actor: request.actor })) };
}
