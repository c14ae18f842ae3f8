import { and, asc, eq, inArray } from "drizzle-orm";
import { jobs, pipelineRuns } from "@/db/schema";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { EmbeddedRunner, trainPipelineJob } from "@/lib/jobs";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";
import { createLogger } from "@/lib/log";
import type { PipelineInput, PipelineRun } from "@/lib/pipeline";
import { aliasTarget, CHAMPION } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("bootstrap");
/**
 * The first start's training is owed until there is a champion, or a training pipeline has
 * finished (it may have kept an uploaded model instead of promoting one): model versions
 * alone do not settle it, since an interrupted first start leaves some behind.
 */
export async function initialTrainingOwed(db: Db): Promise<boolean> {
  if ((await aliasTarget(db, CHAMPION)) !== null) return false;
  const [finished] = await db.select({ id: pipelineRuns.id }).from(pipelineRuns).where(eq(pipelineRuns.status, "succeeded")).limit(1);
  return !finished;
}

/**
 * First start: while no champion exists, run the training pipeline (one model of each family,
 * the best promoted) as a durable job, so that a first start killed half-way resumes where it
 * stopped: finished steps are not repeated, the interrupted model is trained again. A
 * shutdown signal interrupts it cleanly (the attempt is not counted). `hyperparameters`
 * override the families' defaults (tests train small models).
 */
export async function trainInitialModels(db: Db, store: ObjectStore, options: Pick<PipelineInput, "hyperparameters"> = {}): Promise<PipelineRun | null> {
  if (!(await initialTrainingOwed(db))) return null;
  const { retryBaseMs, leaseMs } = config().jobs;
  // Only the pipeline, without its schedule: other queued jobs wait for the server's runner.
  const runner = new EmbeddedRunner(db, { definitions: [trainPipelineJob], concurrency: 1, retryBaseMs, leaseMs, schedules: false });
  const unregister = onShutdown("initial training (interrupted; it resumes at the next start)", SHUTDOWN_ORDER.jobs, () => runner.stop({ abandon: true }));
  try {
    // Takes back the job of a first start that was killed.
    await runner.start();
    const [waiting] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.name, trainPipelineJob.name), inArray(jobs.status, ["pending", "running"])))
      .orderBy(asc(jobs.id))
      .limit(1);
    const job =
      waiting ?? (await runner.enqueue(trainPipelineJob.name, { trigger: "bootstrap", actor: "bootstrap", hyperparameters: options.hyperparameters }));
    if (!job) throw new Error("the initial training job could not be queued");
    log.info(
      waiting ? `no champion yet: resuming the training pipeline (job ${job.id})` : "no champion yet: running the training pipeline (logreg, tree, cnn)",
    );
    const finished = await runner.waitFor(job.id);
    if (finished.status === "failed") throw new Error(`the initial training failed: ${finished.lastError ?? "unknown error"}`);
    const runId = (finished.result as { id?: number } | null)?.id;
    const [run] = runId === undefined ? [] : await db.select().from(pipelineRuns).where(eq(pipelineRuns.id, runId));
    if (run) log.info(run.reason ?? "pipeline finished");
    return run ?? null;
  } finally {
    unregister();
    await runner.stop();
  }
}
