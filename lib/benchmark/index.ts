/**
 * The benchmark engine: planning (which model versions owe a benchmark on which dataset
 * versions), running them in the worker pool under leases, queries and exports of the
 * results, comparisons and explanations.
 */
export {
  benchmarkDetailSchema,
  benchmarkPageSchema,
  benchmarkRowSchema,
  bestModelsOperation,
  bestModelsSchema,
  explanationOperation,
  explanationSchema,
  getBenchmarkOperation,
  listBenchmarksOperation,
  runBenchmarksOperation,
} from "./api";
export { compareModelVersions, MAX_COMPARED, type Comparison } from "./compare";
export { runPendingBenchmarks, type EngineOptions, type SweepSummary } from "./engine";
export { closeBenchmarkPool, type BenchmarkPool } from "./pool";
export { CORE_METRICS, evaluateArtifact, type Evaluation } from "./evaluate";
export { BenchmarkStateError, planBenchmarks, requestRerun, type Benchmark, type PlanResult } from "./plan";
export {
  BENCHMARK_SORTS,
  benchmarkQuerySchema,
  benchmarksToCsv,
  bestModels,
  explanationOf,
  exportBenchmarks,
  getBenchmark,
  listBenchmarks,
  perClassCsv,
  type BenchmarkDetail,
  type BenchmarkPage,
  type BenchmarkQuery,
  type BenchmarkRow,
} from "./queries";
export { requestBenchmarkSweep } from "./requests";
export { benchmarkSweep, engineOptions } from "./sweep";

export type { BenchmarkInfo } from "./types";
