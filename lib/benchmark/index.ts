import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import type { ObjectStore } from "@/lib/storage";
import { runPendingBenchmarks, type EngineOptions, type SweepSummary } from "./engine";
import { planBenchmarks, type PlanResult } from "./schedule";

export { runPendingBenchmarks, closeBenchmarkPool, type EngineOptions, type SweepSummary } from "./engine";
export { planBenchmarks, requestRerun, BenchmarkStateError, type Benchmark, type PlanResult } from "./schedule";
export { CORE_METRICS, evaluateArtifact, type Evaluation } from "./evaluate";
export { compareModelVersions, MAX_COMPARED, type Comparison } from "./compare";
export {
  listBenchmarks,
  getBenchmark,
  bestModels,
  benchmarksToCsv,
  exportBenchmarks,
  perClassCsv,
  explanationOf,
  type BenchmarkDetail,
  benchmarkQuerySchema,
  BENCHMARK_SORTS,
  type BenchmarkQuery,
  type BenchmarkRow,
  type BenchmarkPage,
} from "./queries";

/** Engine settings from the environment (BENCHMARK_*, JOB_RETRY_BASE_MS). */
export function engineOptions(overrides: Partial<EngineOptions> = {}): EngineOptions {
  const { benchmarks, jobs } = config();
  return { workers: benchmarks.workers, leaseMs: benchmarks.leaseMs, maxAttempts: benchmarks.maxAttempts, retryBaseMs: jobs.retryBaseMs, explain: benchmarks.explain, ...overrides };
}

/** One pass of the engine: detect new tag versions and queue what is missing, then run everything due. */
export async function benchmarkSweep(deps: { db: Db; store: ObjectStore }, options: EngineOptions = engineOptions()): Promise<{ plan: PlanResult; run: SweepSummary }> {
  const plan = await planBenchmarks(deps.db, deps.store);
  return { plan, run: await runPendingBenchmarks(deps, options) };
}
