/**
 * Predict API throughput and latency against `next start` at 1, 16 and 64 concurrent
 * clients, next to the same model's in-process inference (batched and single image), and
 * what recording every prediction in the prediction log costs (log off vs on). Each server
 * start is followed by a discarded warm-up at 16 clients (BENCH_WARM_UP_SECONDS, default 3).
 * Uses the configured database's champion (train one first: `npm run train`), or BENCH_MODEL, and needs a
 * build (`npm run build`). `npm run bench -- predict`
 */
import autocannon from "autocannon";
import { config } from "@/lib/config";
import { latestVersion, loadSnapshot } from "@/lib/data";
import { closeDatabase, getDb } from "@/lib/db";
import { getArtifact, loadClassifier, mlRuntime } from "@/lib/ml";
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

const rt = await mlRuntime();
const classifier = await loadClassifier(rt, await getArtifact(objectStore(), champion.artifactKey));
const unit = Float32Array.from(holdout.images.subarray(0, 64 * 784), (v) => v / 255);
const batchedMs = await medianMs(() => classifier.predictProba(unit, 64), 15);
const singleMs = await medianMs(() => classifier.predictProba(unit.subarray(0, 784), 1), 51);
const batchedPerSecond = (64 / batchedMs) * 1000;
console.log(`model: ${champion.name}@${champion.version} (${champion.algorithm}), backend ${rt.detail}`);
console.log(`in-process: batched (64) ${batchedPerSecond.toFixed(0)} img/s, single image ${singleMs.toFixed(3)} ms\n`);

// 2. The real server, with the prediction log off and on (PREDICTION_LOG_SAMPLE_RATE 0 / 1),
// in alternating phases so that a drift in the machine's load does not favour either.
const body = JSON.stringify({ pixels: Array.from(holdout.images.subarray(0, 784)) });
const base = `http://127.0.0.1:${PORT}`;
const predictUrl = `${base}/api/predict?model=${encodeURIComponent(MODEL_REF)}`;

async function startServer(sampleRate: number) {
  const { stop } = await startNextServer(PORT, { PREDICTION_LOG_SAMPLE_RATE: String(sampleRate), MONITORING_SCHEDULE: "off" });
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
for (let phase = 0; phase < 2 * RUNS; phase++) {
  const sampleRate = phase % 2;
  const stop = await startServer(sampleRate);
  for (const connections of CONCURRENCY) {
    const result = await autocannon({ url: predictUrl, method: "POST", headers: { "content-type": "application/json" }, body, connections, duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx responses and ${result.errors} errors at ${connections} clients`);
    const key = `${sampleRate}/${connections}`;
    runs.set(key, [...(runs.get(key) ?? []), { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }]);
  }
  await stop();
}

const rows = [];
for (const connections of CONCURRENCY) {
  const off = runs.get(`0/${connections}`)!;
  const on = runs.get(`1/${connections}`)!;
  const rps = median(on.map((x) => x.rps));
  const rpsOff = median(off.map((x) => x.rps));
  const p50 = median(on.map((x) => x.p50));
  rows.push({
    clients: connections,
    "req/s": rps,
    "p50 ms": p50,
    "p99 ms": median(on.map((x) => x.p99)),
    "req/s ÷ batched img/s": rps / batchedPerSecond,
    "p50 ÷ single-image ms": p50 / singleMs,
    "req/s, log off": rpsOff,
    "log cost": 1 - rps / rpsOff,
  });
}
printTable(rows);
console.log(
  `\n(median of ${RUNS} runs of ${SECONDS} s each with the prediction log on, and ${RUNS} with it off, alternating; in-process batched ${batchedPerSecond.toFixed(0)} img/s, single ${singleMs.toFixed(3)} ms)`,
);
console.log(
  `wrote ${writeResults(process.env.BENCH_MODEL ? `predict-${MODEL_REF.replace(/[^A-Za-z0-9._-]/g, "_")}` : "predict", {
    model: `${champion.name}@${champion.version}`,
    algorithm: champion.algorithm,
    backend: rt.detail,
    database: config().database.kind,
    inProcess: { batchedImagesPerSecond: batchedPerSecond, batchedMs, singleImageMs: singleMs },
    api: rows,
    // Every run, by "sample rate/clients", to judge the noise behind the medians.
    runs: Object.fromEntries(runs),
  })}`,
);
process.exit(0);
