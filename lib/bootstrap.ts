import { config } from "@/lib/config";
import { importKmnist, locateKmnistFiles, resolveTag, seedDefaultTags, DEFAULT_TAGS } from "@/lib/data";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { ALGORITHMS } from "@/lib/ml/families";
import { trainAndRegister, type TrainOutcome } from "@/lib/ml/training";
import { countModelVersions } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("bootstrap");

/** Imports KMNIST (from KMNIST_DIR or by download), seeds the default tags and resolves them. */
export async function prepareData(db: Db, store: ObjectStore): Promise<void> {
  const files = await locateKmnistFiles(config().kmnist);
  const result = await importKmnist(db, store, files);
  log.info(`KMNIST ready (${result.protocol} protocol)`, { imported: result.imported, alreadyPresent: result.skipped });
  await seedDefaultTags(db);
  for (const { name } of DEFAULT_TAGS) {
    const { version, created } = await resolveTag(db, store, name);
    log.info(`${name}: ${version.recordCount} records, version ${version.contentHash.slice(0, 12)}${created ? " (new)" : ""}`);
  }
}

/** First start: with no registered model, train one of each family so predictions work. */
export async function trainInitialModels(db: Db, store: ObjectStore): Promise<TrainOutcome[]> {
  if ((await countModelVersions(db)) > 0) return [];
  const outcomes: TrainOutcome[] = [];
  for (const algorithm of ALGORITHMS) {
    log.info(`training initial ${algorithm} model`);
    const outcome = await trainAndRegister(db, store, {
      algorithm,
      onProgress: (p) =>
        log.info(
          `${algorithm}: epoch ${p.epoch}/${p.epochs}` +
            (p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : "") +
            (p.etaSeconds !== undefined ? `, about ${Math.ceil(p.etaSeconds)} s left` : ""),
        ),
    });
    log.info(`${algorithm}: holdout accuracy ${(outcome.holdoutAccuracy * 100).toFixed(2)}% in ${outcome.trainSeconds.toFixed(1)} s`);
    outcomes.push(outcome);
  }
  return outcomes;
}
