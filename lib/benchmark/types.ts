/** Timings and resources of one benchmark (informational metrics). */
export interface BenchmarkInfo {
  /** Reading the dataset snapshot, shared by every benchmark of its group. */
  loadDataMs: number;
  /** Reading and verifying the artifact, then building the model. */
  loadModelMs: number;
  /** Batched inference over every sample. */
  inferMs: number;
  /** Single-image latency over a sample of images. */
  latencyMs: { p50: number; p95: number; samples: number };
  metricsMs: number;
  /** Load model + infer + latency + metrics, as one benchmark costs end to end. */
  wallMs: number;
  /** Samples per second of the batched inference. */
  throughput: number;
  /** Peak memory of the worker's isolate (heap, wasm and other external buffers). */
  peakWorkerMemoryMb: number;
  /** The runtime that computed the predictions: "onnxruntime", or tfjs's backend ("wasm", "tensorflow"). */
  backend: string;
  /** Its version and settings (threads), where recorded (benchmarks since ONNX Runtime). */
  backendDetail?: string;
  workers: number;
}
