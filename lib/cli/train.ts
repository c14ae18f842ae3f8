import { parseArgs } from "node:util";
import { config } from "@/lib/config";
import { prepareKmnist } from "@/lib/data";
import { getDb, type Db } from "@/lib/db";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";
import { ALGORITHMS, isAlgorithm } from "@/lib/ml";
import { listSearches, pipelineBusy, searchDetail, trainAndRegister, trainingPipeline, type TrainOutcome } from "@/lib/pipeline";
import { versionLabel } from "@/lib/registry";
import { objectStore, type ObjectStore } from "@/lib/storage";
import { runCli, UsageError } from "./run";

const USAGE = `Usage: npm run train -- --algorithm <${ALGORITHMS.join("|")}|all> [--set key=value ...] [--tag NAME] [--version ID]
       npm run train -- --search <${ALGORITHMS.join("|")}> --budget <30m|90s|1h> [--set key=value ...] [--tag NAME] [--version ID]

Trains on the newest version of the training tag (TRAINING_TAG, default "training"), or on
the tag and version given, evaluates on kmnist-holdout, registers the model.
  --algorithm, -a   model family, or "all" (default: cnn)
  --set key=value   hyperparameter override, repeatable (e.g. --set epochs=5)
  --name            model name (default: kmnist-<algorithm>)
  --tag             dataset tag to train on (default: TRAINING_TAG)
  --version         an earlier version (its id, as on the dataset page) of that tag to train on:
                    same version, hyperparameters and seed give the same model
  --search          search this family's hyperparameters (random search + successive halving,
                    trials scored on a validation split of the training data) as a pipeline run:
                    the best trial is registered and promoted only past the promotion gate
  --budget          time the search's trials may take in all (e.g. 30m, 90s, 1h)
  --seed            the search's seed (default 1): which configurations it draws`;

/** "30m", "90s", "1h" or plain minutes, in seconds. */
function parseBudget(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|min|h)?$/.exec(raw.trim());
  if (!match) throw new UsageError(`--budget expects a duration such as 30m, 90s or 1h, got "${raw}"`);
  const seconds = Number(match[1]) * ({ s: 1, m: 60, min: 60, h: 3600 }[match[2] ?? "m"] ?? 60);
  if (seconds < 10 || seconds > 86_400) throw new UsageError(`--budget must be between 10 s and 24 h, got "${raw}"`);
  return Math.round(seconds);
}

function parseValue(raw: string): unknown {
  if (raw === "true" || raw === "false") return raw === "true";
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}

async function main() {
  const { values } = parseArgs({
    options: {
      algorithm: { type: "string", short: "a", default: "cnn" },
      set: { type: "string", multiple: true, default: [] },
      name: { type: "string" },
      tag: { type: "string" },
      version: { type: "string" },
      search: { type: "string" },
      budget: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(USAGE);
  const algorithms = values.algorithm === "all" ? ALGORITHMS : [values.algorithm];
  for (const a of algorithms) if (!isAlgorithm(a)) throw new UsageError(`unknown algorithm "${a}"`);
  const hyperparameters: Record<string, unknown> = {};
  for (const pair of values.set) {
    const [key, ...rest] = pair.split("=");
    if (!key || rest.length === 0) throw new UsageError(`--set expects key=value, got "${pair}"`);
    hyperparameters[key] = parseValue(rest.join("="));
  }

  const trainingVersionId = values.version === undefined ? undefined : Number(values.version);
  if (trainingVersionId !== undefined && !(Number.isInteger(trainingVersionId) && trainingVersionId > 0)) {
    throw new UsageError(`--version expects a dataset version id, got "${values.version}"`);
  }

  config();
  const db = await getDb();
  const store = objectStore();
  await prepareKmnist(db, store);
  // A shutdown signal stops the model in training; its run is recorded as interrupted.
  const interrupt = new AbortController();
  onShutdown("training (interrupted)", SHUTDOWN_ORDER.jobs, async () => interrupt.abort());
  if (values.search !== undefined) return search(db, store, { ...values, search: values.search }, hyperparameters, trainingVersionId, interrupt.signal);
  const results: Array<{ algorithm: string; outcome: TrainOutcome }> = [];
  for (const algorithm of algorithms) {
    const outcome = await trainAndRegister(db, store, {
      algorithm,
      hyperparameters,
      modelName: values.name,
      trainingTag: values.tag,
      trainingVersionId,
      author: process.env.USER ? `${process.env.USER} (cli)` : "cli",
      signal: interrupt.signal,
      onProgress: (p) =>
        process.stdout.write(
          (p.epochs === 0 && p.message ? `  ${algorithm}: ${p.message}` : `  ${algorithm} epoch ${p.epoch}/${p.epochs}`) +
            (p.loss !== undefined ? ` loss ${p.loss.toFixed(4)} acc ${((p.accuracy ?? 0) * 100).toFixed(1)}%` : "") +
            (p.etaSeconds !== undefined ? ` eta ${p.etaSeconds.toFixed(0)} s` : "") +
            "\n",
        ),
    });
    results.push({ algorithm, outcome });
  }
  // Queued for the server's job runner (or Inngest): the new versions get benchmarked there.
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "model_registered", actor: "cli" });
  console.log("\nalgorithm | model            | trained on                | holdout accuracy | train time | backend");
  console.log("----------|------------------|---------------------------|------------------|------------|--------");
  for (const { algorithm, outcome } of results) {
    const model = versionLabel(outcome.modelVersion);
    console.log(
      `${algorithm.padEnd(9)} | ${model.padEnd(16)} | ${`${values.tag ?? config().training.tag} version ${outcome.modelVersion.trainingDataVersionId ?? "?"}`.padEnd(25)} | ${`${(outcome.holdoutAccuracy * 100).toFixed(2)}%`.padStart(16)} | ${`${outcome.trainSeconds.toFixed(1)} s`.padStart(10)} | ${outcome.backend}`,
    );
  }
}

async function search(
  db: Db,
  store: ObjectStore,
  values: { search: string; budget?: string; seed?: string; tag?: string },
  hyperparameters: Record<string, unknown>,
  trainingVersionId: number | undefined,
  signal: AbortSignal,
) {
  const algorithm = values.search;
  if (!isAlgorithm(algorithm)) throw new UsageError(`unknown algorithm "${algorithm}"`);
  if (values.budget === undefined) throw new UsageError("--search needs --budget (e.g. --budget 30m)");
  const budgetSeconds = parseBudget(values.budget);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
  if (await pipelineBusy(db)) throw new UsageError("a training pipeline is already queued or running; wait for it (see /training)");
  console.log(`Searching ${algorithm} hyperparameters for ${(budgetSeconds / 60).toFixed(1)} min (the server's /training page shows it live).`);
  const run = await trainingPipeline(
    {
      db,
      store,
      signal,
      onProgress: (_, p) => p.epoch === p.epochs && p.epochs > 0 && process.stdout.write(`  ${p.message ?? ""} done, loss ${p.loss?.toFixed(4) ?? "–"}\n`),
    },
    {
      trigger: "cli",
      actor: process.env.USER ? `${process.env.USER} (cli)` : "cli",
      trainingTag: values.tag,
      trainingVersionId,
      hyperparameters: { [algorithm]: hyperparameters },
      search: { algorithm, budgetSeconds, seed },
    },
  );
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "model_registered", actor: "cli" });
  const found = (await listSearches(db, 5)).find((s) => s.pipelineRunId === run.id);
  const detail = found ? await searchDetail(db, found.id) : null;
  if (detail) {
    console.log(`\ntrial        | rung | validation | holdout | train time | hyperparameters`);
    console.log(`-------------|------|------------|---------|------------|----------------`);
    for (const t of detail.trials) {
      const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(2)}%`);
      console.log(
        `${(t.searchTrial ?? "").padEnd(12)} | ${String(t.rung ?? "").padStart(4)} | ${(t.status === "succeeded" ? pct(t.validationAccuracy) : t.status).padStart(10)} | ${pct(t.holdoutAccuracy).padStart(7)} | ${`${(t.trainSeconds ?? 0).toFixed(0)} s`.padStart(10)} | ${JSON.stringify(t.hyperparameters)}`,
      );
    }
    console.log(
      `\n${detail.trials.length} trials in ${detail.search.spentSeconds.toFixed(0)} of ${detail.search.budgetSeconds} s (search ${detail.search.id}).`,
    );
  }
  console.log(`Decision: ${run.reason ?? run.decision}`);
}

runCli(main, USAGE);
