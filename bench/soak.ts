/**
 * Memory soak: `next start` under a steady predict load (a fixed request rate, distinct
 * holdout images, the prediction log on) for SOAK_SECONDS after a warm-up; the server's
 * resident memory (VmRSS from /proc, so Linux only; worker threads included) is sampled
 * every 5 s. RSS saw-tooths with garbage collection (±15% within a minute here), so growth is
 * the median RSS of the soak's last minute against its first minute (the post-GC floor,
 * each minute's minimum, is shown too). Goal: growth after warm-up < 10%. Uses the
 * configured database's champion and
 * needs a build. `npm run bench -- soak` (SOAK_SECONDS=300, SOAK_WARMUP_SECONDS=60,
 * SOAK_RATE=150 req/s, SOAK_CLIENTS=16)
 */
import fs from "node:fs";
import autocannon from "autocannon";
import { latestVersion, loadSnapshot } from "@/lib/data";
import { closeDatabase, getDb } from "@/lib/db";
import { objectStore } from "@/lib/storage";
import { median, printTable, startNextServer, writeResults } from "./lib";

const PORT = Number(process.env.BENCH_PORT ?? 3301);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 60);
const RATE = Number(process.env.SOAK_RATE ?? 150);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 16);
const SEGMENT_SECONDS = 60;
const GOAL_GROWTH = 0.1;

const db = await getDb();
const holdoutVersion = await latestVersion(db, "kmnist-holdout");
if (!holdoutVersion) throw new Error("kmnist-holdout has no version; run `npm run setup` first");
const holdout = await loadSnapshot(objectStore(), holdoutVersion);
await closeDatabase();
const requests = Array.from({ length: 64 }, (_, i) => ({
  method: "POST" as const,
  path: "/api/predict",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ pixels: Array.from(holdout.images.subarray(i * 784, (i + 1) * 784)) }),
}));

const server = await startNextServer(PORT, {
  MONITORING_SCHEDULE: "off",
  BENCHMARK_SCHEDULE: "off",
  TRAIN_SCHEDULE: "off",
  MODEL_POLL_SCHEDULE: "off",
  TRAIN_ON_START: "false",
});
const base = server.base;

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.pid}/status`, "utf8"))?.[1]) / 1024;
const samples: Array<{ second: number; rssMb: number }> = [];
const started = Date.now();
const sampler = setInterval(() => samples.push({ second: Math.round((Date.now() - started) / 1000), rssMb: rssMb() }), 5000);

const segments: Array<{ phase: string; fromSecond: number; rps: number; p50: number; p99: number; errors: number; rssEndMb: number }> = [];
const load = async (phase: string, seconds: number) => {
  const fromSecond = Math.round((Date.now() - started) / 1000);
  const result = await autocannon({ url: base, requests, connections: CLIENTS, overallRate: RATE, duration: seconds });
  segments.push({
    phase,
    fromSecond,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    rssEndMb: rssMb(),
  });
  console.log(`${phase} from ${fromSecond} s: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, RSS ${rssMb().toFixed(0)} MB`);
};
await load("warm-up", WARMUP_SECONDS);
const afterWarmUp = rssMb();
for (let done = 0; done < SECONDS; done += SEGMENT_SECONDS) await load("soak", Math.min(SEGMENT_SECONDS, SECONDS - done));
clearInterval(sampler);
const end = rssMb();
await server.stop();

const soakSamples = samples.filter((s) => s.second >= WARMUP_SECONDS);
const peak = Math.max(...soakSamples.map((s) => s.rssMb), end);
const inSegment = (from: number) => soakSamples.filter((x) => x.second > from && x.second <= from + SEGMENT_SECONDS).map((x) => x.rssMb);
const rows = segments.map((s) => {
  const rss = s.phase === "soak" ? inSegment(s.fromSecond) : samples.filter((x) => x.second <= WARMUP_SECONDS).map((x) => x.rssMb);
  return {
    phase: s.phase,
    "from s": s.fromSecond,
    "req/s": s.rps,
    "p50 ms": s.p50,
    "p99 ms": s.p99,
    errors: s.errors,
    "RSS median MB": median(rss),
    "RSS min MB": Math.min(...rss),
    "RSS max MB": Math.max(...rss),
  };
});
const soakRows = rows.filter((r) => r.phase === "soak");
const growth = soakRows.at(-1)!["RSS median MB"] / soakRows[0]["RSS median MB"] - 1;
const floorGrowth = soakRows.at(-1)!["RSS min MB"] / soakRows[0]["RSS min MB"] - 1;
const pointGrowth = end / afterWarmUp - 1;
printTable(rows);
console.log(
  `\nRSS median, last soak minute vs first: ${soakRows[0]["RSS median MB"].toFixed(0)} → ${soakRows.at(-1)!["RSS median MB"].toFixed(0)} MB, growth ${(growth * 100).toFixed(1)}% ` +
    `(post-GC floor ${(floorGrowth * 100).toFixed(1)}%; single points ${afterWarmUp.toFixed(0)} → ${end.toFixed(0)} MB, ${(pointGrowth * 100).toFixed(1)}%; peak ${peak.toFixed(0)} MB) ` +
    `over ${SECONDS} s at ${RATE} req/s — goal < ${GOAL_GROWTH * 100}%: ${growth < GOAL_GROWTH ? "holds" : "missed"}`,
);
console.log(
  `wrote ${writeResults("soak", { seconds: SECONDS, warmUpSeconds: WARMUP_SECONDS, rate: RATE, clients: CLIENTS, growth, floorGrowth, pointGrowth, afterWarmUpMb: afterWarmUp, endMb: end, peakMb: peak, minutes: rows, samples })}`,
);
process.exit(segments.some((s) => s.errors > 0) ? 1 : 0);
