import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { JOB_DEFINITIONS } from "./catalogue";
import { EmbeddedRunner } from "./runner";

const globalForJobs = globalThis as unknown as { kanaRunner?: Promise<EmbeddedRunner> };

/** The process's embedded runner, started on first use (only when JOB_ENGINE=embedded). */
export function embeddedRunner(): Promise<EmbeddedRunner> {
  globalForJobs.kanaRunner ??= (async () => {
    const { concurrency, retryBaseMs, leaseMs } = config().jobs;
    const runner = new EmbeddedRunner(await getDb(), { definitions: JOB_DEFINITIONS, concurrency, retryBaseMs, leaseMs });
    await runner.start();
    return runner;
  })();
  return globalForJobs.kanaRunner;
}

/**
 * Sends an event to the configured job engine (JOB_ENGINE). On the embedded engine this only
 * writes job rows: a process without a started runner (the CLI) queues work for the server's.
 */
export async function sendEvent(name: string, data: Record<string, unknown>): Promise<{ engine: string; ids: string[] }> {
  const { engine, concurrency, retryBaseMs, leaseMs } = config().jobs;
  if (engine === "inngest") {
    const { inngest } = await import("./inngest-client");
    const { ids } = await inngest.send({ name, data });
    return { engine, ids };
  }
  const runner = globalForJobs.kanaRunner
    ? await globalForJobs.kanaRunner
    : new EmbeddedRunner(await getDb(), { definitions: JOB_DEFINITIONS, concurrency, retryBaseMs, leaseMs });
  const created = await runner.send(name, data);
  return { engine, ids: created.map((j) => String(j.id)) };
}
