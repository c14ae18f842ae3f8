import os from "node:os";
import { loadSnapshot } from "@/lib/data";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import type { LabelledImages } from "@/lib/ml";
import type { ObjectStore } from "@/lib/storage";
import { WorkerPool } from "@/lib/workers";
import type { BenchmarkTask, BenchmarkTaskResult } from "./worker";

export type BenchmarkPool = WorkerPool<BenchmarkTask, BenchmarkTaskResult>;

/** ONNX Runtime threads per model when `workers` benchmark workers share the cores: together they never oversubscribe them. */
export function threadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(os.availableParallelism() / workers));
}

/** Copies a dataset version into shared memory: every worker reads the same bytes. */
export async function loadShared(store: ObjectStore, version: { snapshotKey: string }): Promise<LabelledImages> {
  const snapshot = await loadSnapshot(store, version);
  const shared = new SharedArrayBuffer(snapshot.count * (1 + IMAGE_PIXELS));
  const labels = new Uint8Array(shared, 0, snapshot.count);
  const images = new Uint8Array(shared, snapshot.count, snapshot.count * IMAGE_PIXELS);
  labels.set(snapshot.labels);
  images.set(snapshot.images);
  return { count: snapshot.count, labels, images };
}

const globalForPool = globalThis as unknown as { kanaBenchmarkPool?: BenchmarkPool; kanaBenchmarkPoolIdle?: NodeJS.Timeout };
/** Workers idle this long are stopped (their wasm heaps are given back). */
const POOL_IDLE_MS = 5 * 60 * 1000;

/**
 * The process's benchmark worker pool, kept between sweeps: starting a worker (module
 * loading, wasm initialisation) costs about a second, more than a small model's benchmark.
 */
export function benchmarkPool(size: number): BenchmarkPool {
  if (globalForPool.kanaBenchmarkPoolIdle) clearTimeout(globalForPool.kanaBenchmarkPoolIdle);
  const current = globalForPool.kanaBenchmarkPool;
  if (current && current.size === size) return current;
  void current?.close();
  globalForPool.kanaBenchmarkPool = new WorkerPool<BenchmarkTask, BenchmarkTaskResult>("lib/benchmark/worker.ts", size);
  return globalForPool.kanaBenchmarkPool;
}

/** Lets the pool's workers go once they have been idle for a while. */
export function releasePoolLater(): void {
  const timer = setTimeout(() => void closeBenchmarkPool(), POOL_IDLE_MS);
  timer.unref();
  globalForPool.kanaBenchmarkPoolIdle = timer;
}

/** Stops the benchmark workers now (shutdown, tests, benchmarks of the engine itself). */
export async function closeBenchmarkPool(): Promise<void> {
  const pool = globalForPool.kanaBenchmarkPool;
  globalForPool.kanaBenchmarkPool = undefined;
  await pool?.close();
}
