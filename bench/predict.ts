/**
 * Predict API throughput and latency at 1, 16 and 64 concurrent clients with the model
 * served by tfjs (ML_INFERENCE=tfjs, before ONNX Runtime) and by ONNX Runtime (auto), in
 * alternating phases of one run, next to the same model's in-process inference on both
 * runtimes (batched and single image), and what recording every prediction in the prediction
 * log costs (ONNX Runtime, log off vs on). Each server start is followed by a discarded
 * warm-up at 16 clients (BENCH_WARM_UP_SECONDS, default 3).
 * Uses the configured database's champion (train one first: `npm run train`), or BENCH_MODEL, and needs a
 * build (`npm run build`). `npm run bench -- predict`
 */
import autocannon from "autocannon";
import { config } from "@/lib/config";
import { latestVersion, loadSnapshot } from "@/lib/data";
import { closeDatabase, getDb } from "@/lib/db";
import { getArtifact, loadInferenceModel } from "@/lib/ml";
import { resolveModelRef } from "@/lib/registry";
import { objectStore } from "@/lib/storage";
import { median, medianMs, printTable, startNextServer, writeResults } from "./lib";

const PORT = Number(process.env.BENCH_PORT ?? 3300);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 16, 64];
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);

// 1. In-process figures for the champion, then release the database (PGlite is single-process).
const db = await getDb();
// BENCH_MODEL picks another model reference (e.g. kmnist-cnn@2); the default is the champion.
const MODEL_REF = process.env.BENCH_MODEL ?? "champion";
const champion = await resolveModelRef(db, MODEL_REF);
const holdoutVersion = await latestVersion(db, "kmnist-holdout");
if (!holdoutVersion) throw new Error("kmnist-holdout has no version; run `npm run setup` first");
const holdout = await loadSnapshot(objectStore(), holdoutVersion);
await closeDatabase();

const RUNTIMES = ["tfjs", "auto"] as const;
type Runtime = (typeof RUNTIMES)[number];
const artifact = await getArtifact(objectStore(), champion.artifactKey);
const unit = Float32Array.from(holdout.images.subarray(0, 64 * 784), (v) => v / 255);
const inProcess = {} as Record<Runtime, { detail: string; batchedMs: number; singleMs: number; batchedPerSecond: number }>;
for (const runtime of RUNTIMES) {
  // One thread, as the server's inference worker uses.
  const model = await loadInferenceModel(artifact, { preference: runtime, threads: 1 });
  const batchedMs = await medianMs(() => model.predictProba(unit, 64), 15);
  const singleMs = await medianMs(() => model.predictProba(unit.subarray(0, 784), 1), 51);
  inProcess[runtime] = { detail: model.detail, batchedMs, singleMs, batchedPerSecond: (64 / batchedMs) * 1000 };
  await model.dispose();
  console.log(
    `in-process ${runtime} (${model.detail}): batched (64) ${inProcess[runtime].batchedPerSecond.toFixed(0)} img/s, single image ${singleMs.toFixed(3)} ms`,
  );
}
console.log(`model: ${champion.name}@${champion.version} (${champion.algorithm})\n`);

// 2. The real server, with the prediction log off and on (PREDICTION_LOG_SAMPLE_RATE 0 / 1),
// in alternating phases so that a drift in the machine's load does not favour either.
const body = JSON.stringify({ pixels: Array.from(holdout.images.subarray(0, 784)) });
const base = `http://127.0.0.1:${PORT}`;
const predictUrl = `${base}/api/predict?model=${encodeURIComponent(MODEL_REF)}`;

async function startServer(runtime: Runtime, sampleRate: number) {
  const { stop } = await startNextServer(PORT, { ML_INFERENCE: runtime, PREDICTION_LOG_SAMPLE_RATE: String(sampleRate), MONITORING_SCHEDULE: "off" });
  const warm = await fetch(predictUrl, { method: "POST", headers: { "content-type": "application/json" }, body });
  const answeredBy = (await warm.json()) as { model?: { name: string; version: number } };
  if (answeredBy.model?.name !== champion.name || answeredBy.model.version !== champion.version) {
    throw new Error(`server answered with ${JSON.stringify(answeredBy.model)}, expected ${champion.name}@${champion.version}`);
  }
  // Steady state, not start-up: the JIT compiles Next's and our request path under load first.
  await autocannon({ url: predictUrl, method: "POST", headers: { "content-type": "application/json" }, body, connections: 16, duration: WARM_UP_SECONDS });
  return stop;
}

type Run = { rps: number; p50: number; p99: number };
const runs = new Map<string, Run[]>();
// Phases alternate so that a drift in the machine's load favours none: tfjs (log on), ONNX Runtime (log on), ONNX Runtime (log off).
const PHASES: Array<[Runtime, number]> = [
  ["tfjs", 1],
  ["auto", 1],
  ["auto", 0],
];
for (let phase = 0; phase < PHASES.length * RUNS; phase++) {
  const [runtime, sampleRate] = PHASES[phase % PHASES.length];
  const stop = await startServer(runtime, sampleRate);
  for (const connections of CONCURRENCY) {
    const result = await autocannon({ url: predictUrl, method: "POST", headers: { "content-type": "application/json" }, body, connections, duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses and ${result.errors} errors at ${connections} clients`);
    const key = `${runtime}/${sampleRate}/${connections}`;
    runs.set(key, [...(runs.get(key) ?? []), { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }]);
  }
  await stop();
}

const rows = [];
const medianOf = (key: string, pick: (r: Run) => number) => median(runs.get(key)!.map(pick));
for (const connections of CONCURRENCY) {
  const tfjs = medianOf(`tfjs/1/${connections}`, (r) => r.rps);
  const onnx = medianOf(`auto/1/${connections}`, (r) => r.rps);
  const onnxOff = medianOf(`auto/0/${connections}`, (r) => r.rps);
  rows.push({
    clients: connections,
    "tfjs req/s": tfjs,
    "tfjs p50 ms": medianOf(`tfjs/1/${connections}`, (r) => r.p50),
    "ORT req/s": onnx,
    "ORT p50 ms": medianOf(`auto/1/${connections}`, (r) => r.p50),
    "ORT p99 ms": medianOf(`auto/1/${connections}`, (r) => r.p99),
    "ORT ÷ tfjs": onnx / tfjs,
    "ORT req/s ÷ batched img/s": onnx / inProcess.auto.batchedPerSecond,
    "ORT req/s, log off": onnxOff,
    "log cost": 1 - onnx / onnxOff,
  });
}
printTable(rows);
console.log(
  `\n(median of ${RUNS} runs of ${SECONDS} s each per column, phases alternating; in-process batched ${inProcess.tfjs.batchedPerSecond.toFixed(0)} img/s on tfjs, ${inProcess.auto.batchedPerSecond.toFixed(0)} on ONNX Runtime)`,
);
console.log(
  `wrote ${writeResults(process.env.BENCH_MODEL ? `predict-${MODEL_REF.replace(/[^A-Za-z0-9._-]/g, "_")}` : "predict", {
    model: `${champion.name}@${champion.version}`,
    algorithm: champion.algorithm,
    database: config().database.kind,
    inProcess,
    api: rows,
    // Every run, by "runtime/sample rate/clients", to judge the noise behind the medians.
    runs: Object.fromEntries(runs),
  })}`,
);
process.exit(0);
