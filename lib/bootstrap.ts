import type { Db } from "@/lib/db";
import { prepareKmnist } from "@/lib/data";
import { createLogger } from "@/lib/log";
import { runTrainingPipeline, type PipelineRun } from "@/lib/pipeline";
import { countModelVersions } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("bootstrap");

export { prepareKmnist as prepareData };

/**
 * First start: with no registered model, run the training pipeline once, which trains one
 * model of each family and promotes the best to champion.
 */
export async function trainInitialModels(db: Db, store: ObjectStore): Promise<PipelineRun | null> {
  if ((await countModelVersions(db)) > 0) return null;
  log.info("no models yet: running the training pipeline (logreg, tree, cnn)");
  const run = await runTrainingPipeline(db, store, {
    trigger: "bootstrap",
    actor: "bootstrap",
    onProgress: (algorithm, p) =>
      log.info(
        `${algorithm}: epoch ${p.epoch}/${p.epochs}` +
          (p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : "") +
          (p.etaSeconds !== undefined ? `, about ${Math.ceil(p.etaSeconds)} s left` : ""),
      ),
  });
  for (const c of run.candidates ?? []) log.info(`${c.model}: holdout accuracy ${(c.holdoutAccuracy * 100).toFixed(2)}% in ${c.trainSeconds.toFixed(1)} s`);
  log.info(run.reason ?? "pipeline finished");
  return run;
}
