/**
 * Training on this machine: the pipeline's three families with their default
 * hyperparameters, next to a 4-nearest-neighbour baseline (the KMNIST paper's), all on the
 * same kmnist-train / kmnist-holdout versions. Goal: the CNN ≥ 96% holdout within 10 minutes.
 * `BENCH_CNN_VARIANTS='[{"batchNorm":true,"epochs":8}]'` adds CNN variants to compare.
 * Self-contained: in-memory PGlite, a temporary object store, real KMNIST.
 * `npm run bench -- training`
 */
import { config } from "@/lib/config";
import { importKmnist, latestVersion, loadSnapshot, locateKmnistFiles, seedDefaultTags } from "@/lib/data";
import { knnPredict, mlRuntime } from "@/lib/ml";
import { trainAndRegister } from "@/lib/pipeline";
import { createPgliteTestDatabase, createTempStore } from "@/lib/testing/database";
import { printTable, writeResults } from "./lib";

const BUDGET_SECONDS = 600;
const GOAL_ACCURACY = 0.96;
const variants = JSON.parse(process.env.BENCH_CNN_VARIANTS ?? "[]") as Array<Record<string, unknown>>;

const database = await createPgliteTestDatabase();
const store = await createTempStore();
const { db } = database;
await importKmnist(db, store, await locateKmnistFiles({ ...config().kmnist, download: false }));
await seedDefaultTags(db);

const rows: Array<Record<string, string | number>> = [];
const results: Array<{ model: string; hyperparameters: Record<string, unknown>; holdoutAccuracy: number; trainSeconds: number; backend: string }> = [];

// Training resolves the tags; the first run creates their versions, which the baseline then reads.
const runs: Array<[string, Record<string, unknown>]> = [
  ["logreg", {}],
  ["tree", {}],
  ["cnn", {}],
  ...variants.map((v): [string, Record<string, unknown>] => ["cnn", v]),
];
for (const [algorithm, hyperparameters] of runs) {
  let lastEpoch = 0;
  const outcome = await trainAndRegister(db, store, {
    algorithm,
    hyperparameters,
    onProgress: (p) => {
      if (p.epoch === lastEpoch) return;
      lastEpoch = p.epoch;
      console.log(`  ${algorithm}: epoch ${p.epoch}/${p.epochs}${p.loss === undefined ? "" : ` loss ${p.loss.toFixed(4)}`}`);
    },
  });
  const label = `${algorithm}${Object.keys(hyperparameters).length ? ` ${JSON.stringify(hyperparameters)}` : " (defaults)"}`;
  console.log(`${label}: ${(outcome.holdoutAccuracy * 100).toFixed(2)}% in ${outcome.trainSeconds.toFixed(1)} s`);
  results.push({
    model: label,
    hyperparameters: outcome.modelVersion.hyperparameters,
    holdoutAccuracy: outcome.holdoutAccuracy,
    trainSeconds: outcome.trainSeconds,
    backend: outcome.backend,
  });
}

const train = await loadSnapshot(store, (await latestVersion(db, "kmnist-train"))!);
const holdoutVersion = (await latestVersion(db, "kmnist-holdout"))!;
const holdout = await loadSnapshot(store, holdoutVersion);
const rt = await mlRuntime();
const started = performance.now();
const predicted = knnPredict(rt.tf, train, holdout, 4);
const knnSeconds = (performance.now() - started) / 1000;
const knnAccuracy = predicted.reduce((hits, label, i) => hits + (label === holdout.labels[i] ? 1 : 0), 0) / holdout.count;
results.unshift({
  model: "4-nearest-neighbour (raw pixels)",
  hyperparameters: { k: 4 },
  holdoutAccuracy: knnAccuracy,
  trainSeconds: knnSeconds,
  backend: rt.detail,
});

for (const r of results) {
  const cnn = r.model.startsWith("cnn");
  rows.push({
    model: r.model,
    "holdout accuracy": `${(r.holdoutAccuracy * 100).toFixed(2)}%`,
    seconds: r.trainSeconds,
    "vs 4-NN": `${((r.holdoutAccuracy - knnAccuracy) * 100).toFixed(2)} pts`,
    goal: cnn ? (r.holdoutAccuracy >= GOAL_ACCURACY && r.trainSeconds <= BUDGET_SECONDS ? "holds" : "missed") : "",
  });
}
console.log(
  `\ntrain ${train.count} / holdout ${holdout.count} images (${holdoutVersion.protocol} protocol), backend ${rt.detail}; 4-NN seconds = prediction time\n`,
);
printTable(rows);
console.log(
  `\nwrote ${writeResults("training", { protocol: holdoutVersion.protocol, trainImages: train.count, holdoutImages: holdout.count, backend: rt.detail, goal: { accuracy: GOAL_ACCURACY, seconds: BUDGET_SECONDS }, results })}`,
);
await database.cleanup();
await store.cleanup();
process.exit(0);
