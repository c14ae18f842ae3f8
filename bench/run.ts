/** `npm run bench [-- name ...]`: runs the named benchmarks (default: all) one after another. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = path.join(process.cwd(), "bench");
const available = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "lib.ts"].includes(f))
  .map((f) => f.replace(/\.ts$/, ""));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : available) {
  console.log(`\n## ${name}\n`);
  const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", path.join("bench", `${name}.ts`)], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
