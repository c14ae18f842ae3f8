import { inngest, JOB_DEFINITIONS, type JobDefinition, type StepRunner } from "@/lib/jobs";

/**
 * One Inngest function per job definition: same triggers, retries and concurrency as the
 * embedded runner, and the same lib/ code, with Inngest's durable `step.run` as the steps.
 */
function toInngestFunction(definition: JobDefinition) {
  const schedule = definition.cron();
  const triggers = [...(definition.event ? [{ event: definition.event }] : []), ...(schedule ? [{ cron: schedule }] : [])];
  return inngest.createFunction(
    {
      id: definition.name,
      triggers,
      // Inngest types retries as a literal 0-20.
      retries: Math.min(20, definition.maxAttempts - 1) as 0 | 1 | 2,
      concurrency: { limit: definition.concurrency },
      ...(definition.coalesce ? { debounce: { period: "5s" } } : {}),
    },
    async ({ event, step }) => {
      const steps: StepRunner = { run: <T>(name: string, fn: () => Promise<T>) => step.run(name, fn) as Promise<T> };
      const payload = event.name.startsWith("inngest/scheduled") ? { trigger: "schedule", actor: "schedule" } : (event.data ?? {});
      const result = await definition.run(definition.payload.parse(payload), steps);
      for (const followUp of definition.followUps?.(result) ?? []) await step.sendEvent(`follow-up-${followUp.name}`, followUp);
      return result;
    },
  );
}

export const functions = JOB_DEFINITIONS.map(toInngestFunction);
export const [trainPipelineFunction, pollModelsFunction, benchmarkFunction, monitoringFunction] = functions;
