import { parseArgs } from "node:util";
import { getDb } from "@/lib/db";
import { checkConsistency, DEFAULT_GRACE_MS, repairConsistency, type Problem } from "@/lib/integrity";
import { objectStore } from "@/lib/storage";
import { runCli, UsageError } from "./run";

const USAGE = `Usage: npm run check:store [-- --deep] [--repair] [--grace-minutes N]

Checks that the database and the object store agree: every artifact, snapshot and image
blob a row names exists (with --deep: is whole, checksums and sizes verified), and no
object under models/, snapshots/ or sources/ is an orphan or a half-written temporary file.
--repair removes orphans and dead partial writes; missing or corrupt objects are reported
for a person to decide. Objects younger than --grace-minutes (default ${DEFAULT_GRACE_MS / 60_000}) count as
writes in progress. Exit status: 0 consistent, 1 problems remain.`;

function printProblems(title: string, problems: Problem[]) {
  if (!problems.length) return;
  console.log(`\n${title}`);
  console.log("kind     | key                                                | detail");
  console.log("---------|----------------------------------------------------|-------");
  for (const p of problems) console.log(`${p.kind.padEnd(8)} | ${p.key.padEnd(50)} | ${p.detail}`);
}

async function main() {
  const { values } = parseArgs({
    options: { deep: { type: "boolean" }, repair: { type: "boolean" }, "grace-minutes": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return console.log(USAGE);
  const graceMinutes = values["grace-minutes"] === undefined ? DEFAULT_GRACE_MS / 60_000 : Number(values["grace-minutes"]);
  if (!Number.isFinite(graceMinutes) || graceMinutes < 0) throw new UsageError(`--grace-minutes must be a number ≥ 0, got "${values["grace-minutes"]}"`);
  const options = { deep: values.deep, graceMs: graceMinutes * 60_000 };
  const db = await getDb();
  const store = objectStore();

  if (values.repair) {
    const { removed } = await repairConsistency(db, store, options);
    printProblems(`removed ${removed.length}:`, removed);
  }
  const report = await checkConsistency(db, store, options);
  console.log(
    `checked ${report.checkedRows} rows and ${report.checkedObjects} objects${values.deep ? " (deep)" : ""}: ` +
      `${report.problems.length} problem(s), ${report.inFlight} write(s) in progress`,
  );
  printProblems("problems:", report.problems);
  if (report.problems.length) process.exitCode = 1;
}

runCli(main, USAGE);
