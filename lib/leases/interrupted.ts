/**
 * Work stopped before it finished because its process is shutting down: not a failure of the
 * work itself, so it is recorded as interrupted and does not use up a retry.
 */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor(message = "interrupted by shutdown") {
    super(message);
  }
}

/** By name, not instanceof: the Next server's bundles and the CLI load separate copies of this class. */
export function isInterrupted(error: unknown): boolean {
  return error instanceof Error && error.name === "InterruptedError";
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}
