import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { JOB_DEFINITIONS } from "./catalogue";
import { EmbeddedRunner } from "./runner";

export { EmbeddedRunner, type Job, type RunnerOptions } from "./runner";
export { JOB_DEFINITIONS, TRAIN_REQUESTED, pollModelsJob, trainPipelineJob, type JobDefinition } from "./catalogue";

const globalForJobs = globalThis as unknown as { kanaRunner?: Promise<EmbeddedRunner> };

/** The process's embedded runner, started on first use (only when JOB_ENGINE=embedded). */
export function embeddedRunner(): Promise<EmbeddedRunner> {
  globalForJobs.kanaRunner ??= (async () => {
    const { concurrency, retryBaseMs } = config().jobs;
    const runner = new EmbeddedRunner(await getDb(), { definitions: JOB_DEFINITIONS, concurrency, retryBaseMs });
    await runner.start();
    return runner;
  })();
  return globalForJobs.kanaRunner;
}
