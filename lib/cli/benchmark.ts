import { parseArgs } from "node:util";
import { benchmarkSweep, engineOptions, listBenchmarks } from "@/lib/benchmark";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { formatPercent } from "@/lib/format";
import { objectStore } from "@/lib/storage";
import { runCli, UsageError } from "./run";

const USAGE = `Usage: npm run benchmark [-- --workers N] [--no-explain]

Runs the benchmark engine once in the foreground: resolves every followed dataset tag (new
versions), queues missing benchmarks, runs every due benchmark and explanation, prints them.
(The server does the same on its schedule, BENCHMARK_SCHEDULE; stop it first when using the
embedded PGlite database, which one process at a time may open.)`;

async function main() {
  const { values } = parseArgs({ options: { workers: { type: "string" }, "no-explain": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return console.log(USAGE);
  const workers = values.workers === undefined ? config().benchmarks.workers : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new UsageError(`--workers must be an integer from 1 to 64, got "${values.workers}"`);

  const db = await getDb();
  const started = performance.now();
  const { plan, run } = await benchmarkSweep(
    { db, store: objectStore() },
    engineOptions({ workers, explain: values["no-explain"] ? false : config().benchmarks.explain }),
  );
  for (const v of plan.newVersions) console.log(`new version of ${v.tag}: ${v.records} records`);
  for (const u of plan.unresolved) console.log(`cannot benchmark on ${u.tag}: ${u.reason}`);
  console.log(
    `queued ${plan.created}; done ${run.done}, failed ${run.failed}, to retry ${run.retried}; explained ${run.explained} ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s with ${workers} worker(s)\n`,
  );
  const latest = await listBenchmarks(db, { page: 1, pageSize: 20, sort: "created", order: "desc" });
  console.log("id    | status  | model                  | dataset            | accuracy | macro AUC | wall ms");
  console.log("------|---------|------------------------|--------------------|----------|-----------|--------");
  for (const r of latest.rows) {
    console.log(
      `${String(r.id).padEnd(5)} | ${r.status.padEnd(7)} | ${`${r.model}@${r.version}`.padEnd(22)} | ${`${r.tag} ${r.datasetHash.slice(0, 6)}`.padEnd(18)} | ` +
        `${(r.accuracy === null ? "—" : formatPercent(r.accuracy)).padStart(8)} | ${(r.macroAuc?.toFixed(4) ?? "—").padStart(9)} | ${(r.wallMs?.toFixed(0) ?? "—").padStart(6)}`,
    );
  }
}

runCli(main, USAGE);
