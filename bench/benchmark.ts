/**
 * The benchmark engine against pure inference: N freshly trained models benchmarked on one
 * dataset version (kmnist-holdout) with 1 and with 2 worker threads. Prints, per model, a
 * benchmark's wall time next to the pure batched inference time of the same model on the
 * same data (ratio), and per sweep the throughput in benchmarks per minute and the 2-worker
 * speed-up, next to what the machine allows (the same pure inference in 2 threads at once,
 * no engine). Self-contained: in-memory PGlite, a temporary object store, real KMNIST.
 * `npm run bench -- benchmark` (BENCH_RUNS, default 3)
 */
import { eq, inArray, sql } from "drizzle-orm";
import { benchmarks } from "@/db/schema";
import { closeBenchmarkPool, planBenchmarks, requestRerun, runPendingBenchmarks, threadsPerWorker, type EngineOptions } from "@/lib/benchmark";
import { config } from "@/lib/config";
import { importKmnist, latestVersion, loadSnapshot, locateKmnistFiles, seedDefaultTags } from "@/lib/data";
import { getArtifact, mlRuntime, type InferencePreference, type ModelArtifact } from "@/lib/ml";
import { trainAndRegister } from "@/lib/pipeline";
import { versionLabel, type ModelVersion } from "@/lib/registry";
import { createPgliteTestDatabase, createTempStore } from "@/lib/testing/database";
import { startTsWorker, stopWorker } from "@/lib/workers";
import { median, printTable, writeResults } from "./lib";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// The engine's first sweeps run on tfjs (as before ONNX Runtime), the later ones on ONNX Runtime; workers read it when they start.
process.env.ML_INFERENCE = "tfjs";
// What the pipeline accumulates: CNNs of its default width, logistic regressions and trees.
const MODELS: Array<[string, Record<string, unknown>]> = [
  ...[1, 2, 3, 4].map((seed): [string, Record<string, unknown>] => ["cnn", { epochs: 1, filters: 16, augment: false, seed }]),
  ["logreg", { epochs: 2 }],
  ["logreg", { epochs: 3 }],
  ["tree", { maxDepth: 12 }],
  ["tree", { maxDepth: 18 }],
];

const database = await createPgliteTestDatabase();
const store = await createTempStore();
const { db } = database;
await importKmnist(db, store, await locateKmnistFiles({ ...config().kmnist, download: false }));
await seedDefaultTags(db);
console.log(`training ${MODELS.length} models to benchmark ...`);
const versions: ModelVersion[] = [];
for (const [algorithm, hyperparameters] of MODELS) versions.push((await trainAndRegister(db, store, { algorithm, hyperparameters })).modelVersion);

// Pure inference: the same models predicting the same data in a worker thread (where the
// engine runs them too), nothing else.
const holdout = await loadSnapshot(store, (await latestVersion(db, "kmnist-holdout"))!);
const rt = await mlRuntime();

/** Each of `threads` workers predicts the holdout `reps` times at the same moment; returns every worker's pass times. */
async function pureInference(
  threads: number,
  artifact: ModelArtifact,
  reps: number,
  preference: InferencePreference = "tfjs",
): Promise<{ passesMs: number[][]; seconds: number }> {
  // Each worker's ONNX Runtime gets the threads the engine would give it with as many workers.
  const ortThreads = threadsPerWorker(threads);
  const workers = Array.from({ length: threads }, () =>
    startTsWorker("bench/workers/pure-inference.ts", { artifact, data: holdout, reps, preference, threads: ortThreads }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))));
  const start = performance.now();
  const passesMs = await Promise.all(workers.map((w) => new Promise<number[]>((resolve) => (w.once("message", resolve), w.postMessage("go")))));
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(workers.map((w) => stopWorker(w)));
  return { passesMs, seconds };
}

const pureMs = new Map<number, number>();
const pureOnnxMs = new Map<number, number>();
for (const v of versions) {
  const artifact = await getArtifact(store, v.artifactKey);
  pureMs.set(v.id, median((await pureInference(1, artifact, RUNS)).passesMs[0]));
  pureOnnxMs.set(v.id, median((await pureInference(1, artifact, RUNS, "auto")).passesMs[0]));
}

// What this machine allows: the same pure inference in 1 and in 2 threads at once (no engine).
const imagesPerSecond = async (threads: number, artifact: ModelArtifact) => (threads * 3 * holdout.count) / (await pureInference(threads, artifact, 3)).seconds;
const cnnArtifact = await getArtifact(store, versions.find((v) => v.algorithm === "cnn")!.artifactKey);
const ceiling: number[] = [];
for (let r = 0; r < RUNS; r++) ceiling.push((await imagesPerSecond(2, cnnArtifact)) / (await imagesPerSecond(1, cnnArtifact)));
const machineCeiling = median(ceiling);
console.log(`pure CNN inference in 2 threads at once: ${machineCeiling.toFixed(2)}x the throughput of 1 thread (median of ${RUNS})`);

const ids = (await planBenchmarks(db, store)).created;
if (ids !== versions.length) throw new Error(`expected ${versions.length} benchmarks, planned ${ids}`);
const rowIds = (await db.select({ id: benchmarks.id }).from(benchmarks)).map((r) => r.id);

async function sweep(workers: number) {
  const options: EngineOptions = { workers, leaseMs: 60_000, maxAttempts: 1, retryBaseMs: 0, explain: false };
  const sweeps = [];
  const wallByModel = new Map<number, number[]>();
  const partsByModel = new Map<number, Array<{ load: number; infer: number; metrics: number }>>();
  for (let r = 0; r < RUNS + 1; r++) {
    if ((await db.select({ id: benchmarks.id }).from(benchmarks).where(eq(benchmarks.status, "pending"))).length === 0) await requestRerun(db, rowIds, "bench");
    const start = performance.now();
    const summary = await runPendingBenchmarks({ db, store }, options);
    const seconds = (performance.now() - start) / 1000;
    if (summary.done !== versions.length) throw new Error(`sweep finished ${summary.done} of ${versions.length}`);
    if (r === 0) continue; // warm-up: first worker start-up and file cache
    sweeps.push(seconds);
    for (const row of await db.select().from(benchmarks).where(inArray(benchmarks.id, rowIds))) {
      wallByModel.set(row.modelVersionId, [...(wallByModel.get(row.modelVersionId) ?? []), row.info!.wallMs]);
      partsByModel.set(row.modelVersionId, [
        ...(partsByModel.get(row.modelVersionId) ?? []),
        { load: row.info!.loadModelMs, infer: row.info!.inferMs, metrics: row.info!.metricsMs },
      ]);
    }
  }
  return { seconds: median(sweeps), wallByModel, partsByModel };
}

const one = await sweep(1);
const two = await sweep(2);
const rows = versions.map((v) => {
  const wall1 = median(one.wallByModel.get(v.id)!);
  const wall2 = median(two.wallByModel.get(v.id)!);
  return {
    model: versionLabel(v),
    algorithm: v.algorithm,
    "pure infer ms": pureMs.get(v.id)!,
    "benchmark wall ms (1 worker)": wall1,
    "wall ÷ infer (1 worker)": wall1 / pureMs.get(v.id)!,
    "of which load ms": median(one.partsByModel.get(v.id)!.map((p) => p.load)),
    "infer ms": median(one.partsByModel.get(v.id)!.map((p) => p.infer)),
    "metrics ms": median(one.partsByModel.get(v.id)!.map((p) => p.metrics)),
    "benchmark wall ms (2 workers)": wall2,
  };
});
printTable(rows);
const totalPure = [...pureMs.values()].reduce((a, b) => a + b, 0);
const totalWall = rows.reduce((a, r) => a + r["benchmark wall ms (1 worker)"], 0);
// No schedule can beat the longest benchmark, nor half of all the work.
const bound = Math.max(...rows.map((r) => r["benchmark wall ms (1 worker)"]), totalWall / 2) / 1000;
const summary = [
  { workers: 1, "sweep s": one.seconds, "benchmarks/min": (versions.length / one.seconds) * 60, "speed-up": 1, "best possible s": totalWall / 1000 },
  {
    workers: 2,
    "sweep s": two.seconds,
    "benchmarks/min": (versions.length / two.seconds) * 60,
    "speed-up": one.seconds / two.seconds,
    "best possible s": bound,
  },
  { workers: "2 threads, pure inference only", "sweep s": "", "benchmarks/min": "", "speed-up": machineCeiling, "best possible s": "" },
];
console.log("");
printTable(summary);
console.log(
  `\n${versions.length} models on kmnist-holdout (${holdout.count} images), median of ${RUNS} sweeps after a warm-up; backend ${rt.detail}.` +
    `\nAll benchmarks: wall ${totalWall.toFixed(0)} ms vs pure inference ${totalPure.toFixed(0)} ms (ratio ${(totalWall / totalPure).toFixed(2)}).` +
    `\nA sweep's time includes claiming, loading the data once, reading artifacts and writing results.`,
);
// The same sweeps on ONNX Runtime (ML_INFERENCE=auto: layers models run their ONNX form, trees
// stay on tfjs). New workers read the setting when they start.
await closeBenchmarkPool();
process.env.ML_INFERENCE = "auto";
const oneOnnx = await sweep(1);
const twoOnnx = await sweep(2);
const onnxRuntimes = await db
  .select({ backend: sql<string>`${benchmarks.info} ->> 'backend'` })
  .from(benchmarks)
  .where(inArray(benchmarks.id, rowIds));
const onnxRows = versions.map((v) => {
  const wall = median(oneOnnx.wallByModel.get(v.id)!);
  return {
    model: versionLabel(v),
    "pure ORT infer ms": pureOnnxMs.get(v.id)!,
    "benchmark wall ms (1 worker)": wall,
    "wall ÷ infer": wall / pureOnnxMs.get(v.id)!,
    "of which load ms": median(oneOnnx.partsByModel.get(v.id)!.map((p) => p.load)),
    "infer ms": median(oneOnnx.partsByModel.get(v.id)!.map((p) => p.infer)),
    "metrics ms": median(oneOnnx.partsByModel.get(v.id)!.map((p) => p.metrics)),
  };
});
console.log("");
printTable(onnxRows);
const totalPureOnnx = [...pureOnnxMs.values()].reduce((a, b) => a + b, 0);
const totalWallOnnx = onnxRows.reduce((a, r) => a + r["benchmark wall ms (1 worker)"], 0);
console.log(
  `All benchmarks on ONNX Runtime: wall ${totalWallOnnx.toFixed(0)} ms vs pure inference ${totalPureOnnx.toFixed(0)} ms (ratio ${(totalWallOnnx / totalPureOnnx).toFixed(2)}; goal ≤ 1.25)`,
);
const runtimes = [
  { runtime: `tfjs-${rt.backend}`, "1 worker s": one.seconds, "2 workers s": two.seconds, "1 worker ÷ tfjs": 1 },
  { runtime: "onnxruntime (auto)", "1 worker s": oneOnnx.seconds, "2 workers s": twoOnnx.seconds, "1 worker ÷ tfjs": oneOnnx.seconds / one.seconds },
];
console.log("");
printTable(runtimes);
console.log(
  `engine sweep on ONNX Runtime: ${(one.seconds / oneOnnx.seconds).toFixed(2)}x faster with 1 worker, ${(two.seconds / twoOnnx.seconds).toFixed(2)}x with 2 (goal ≥ 3x); ` +
    `runtimes used: ${[...new Set(onnxRuntimes.map((r) => r.backend))].join(", ")}`,
);
const file = writeResults("benchmark", {
  runtimes,
  backend: rt.detail,
  samples: holdout.count,
  runs: RUNS,
  models: rows,
  sweeps: summary,
  totalWallMs: totalWall,
  totalPureMs: totalPure,
  onnxModels: onnxRows,
  totalWallOnnxMs: totalWallOnnx,
  totalPureOnnxMs: totalPureOnnx,
  pureInferenceTwoThreadSpeedUp: machineCeiling,
});
console.log(`results: ${file}`);
await closeBenchmarkPool();
await database.cleanup();
await store.cleanup();
