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
export { compareModelVersions, MAX_COMPARED, type Comparison, type PairedResult } from "./compare";
export { CELL_PAGE_SIZE, confusionCell, type CellImage, type ConfusionCell } from "./errors";
export { runPendingBenchmarks, type EngineOptions, type SweepSummary } from "./engine";
export { closeBenchmarkPool, threadsPerWorker, type BenchmarkPool } from "./pool";
export { CORE_METRICS, evaluateArtifact, type Evaluation } from "./evaluate";
export { BenchmarkStateError, planBenchmarks, requestRerun, type Benchmark, type PlanResult } from "./plan";
export {
  BENCHMARK_SORTS,
  benchmarkQuerySchema,
  benchmarksToCsv,
  bestModels,
  estimateOf,
  explanationOf,
  exportBenchmarks,
  getBenchmark,
  leaderboardDefaultTag,
  listBenchmarks,
  modelEvaluations,
  perClassCsv,
  rankWithTies,
  type BenchmarkDetail,
  type BenchmarkPage,
  type BenchmarkQuery,
  type BenchmarkRow,
  type ModelEvaluations,
  type RankedRow,
  type Standing,
  type TagSeries,
} from "./queries";
export { isSmallSample, smallSampleMinimum } from "./samples";
export { requestBenchmarkSweep } from "./requests";
export { benchmarkSweep, engineOptions } from "./sweep";

export type { BenchmarkInfo } from "./types";
