import { parseArgs } from "node:util";
import { config } from "@/lib/config";
import { prepareKmnist } from "@/lib/data";
import { getDb } from "@/lib/db";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";
import { ALGORITHMS, isAlgorithm } from "@/lib/ml";
import { trainAndRegister, type TrainOutcome } from "@/lib/pipeline";
import { versionLabel } from "@/lib/registry";
import { objectStore } from "@/lib/storage";
import { runCli, UsageError } from "./run";

const USAGE = `Usage: npm run train -- --algorithm <${ALGORITHMS.join("|")}|all> [--set key=value ...] [--tag NAME] [--version ID]

Trains on the newest version of the training tag (TRAINING_TAG, default "training"), or on
the tag and version given, evaluates on kmnist-holdout, registers the model.
  --algorithm, -a   model family, or "all" (default: cnn)
  --set key=value   hyperparameter override, repeatable (e.g. --set epochs=5)
  --name            model name (default: kmnist-<algorithm>)
  --tag             dataset tag to train on (default: TRAINING_TAG)
  --version         an earlier version (its id, as on the dataset page) of that tag to train on:
                    same version, hyperparameters and seed give the same model`;

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

runCli(main, USAGE);
