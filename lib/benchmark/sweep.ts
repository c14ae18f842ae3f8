import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import type { ObjectStore } from "@/lib/storage";
import { runPendingBenchmarks, type EngineOptions, type SweepSummary } from "./engine";
import { planBenchmarks, type PlanResult } from "./plan";

/** Engine settings from the environment (BENCHMARK_*, JOB_RETRY_BASE_MS). */
export function engineOptions(overrides: Partial<EngineOptions> = {}): EngineOptions {
  const { benchmarks, jobs } = config();
  return {
    workers: benchmarks.workers,
    leaseMs: benchmarks.leaseMs,
    maxAttempts: benchmarks.maxAttempts,
    retryBaseMs: jobs.retryBaseMs,
    explain: benchmarks.explain,
    ...overrides,
  };
}

/** One pass of the engine: detect new tag versions and queue what is missing, then run everything due. */
export async function benchmarkSweep(
  deps: { db: Db; store: ObjectStore },
  options: EngineOptions = engineOptions(),
): Promise<{ plan: PlanResult; run: SweepSummary }> {
  const plan = await planBenchmarks(deps.db, deps.store);
  return { plan, run: await runPendingBenchmarks(deps, options) };
}
