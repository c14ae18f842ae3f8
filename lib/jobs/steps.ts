/**
 * Durable steps: Inngest's `step.run` in production, the embedded runner's memoised steps
 * otherwise, or plain calls. A finished step is not run again when its job is retried.
 */
export interface StepRunner {
  run<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Steps that simply run (CLI, tests): nothing is memoised. */
export const directSteps: StepRunner = { run: (_name, fn) => fn() };
