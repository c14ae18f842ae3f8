import { createLogger } from "@/lib/log";

const log = createLogger("shutdown");

/**
 * When a step runs during shutdown: lower first. No new work is taken (jobs, schedules), the
 * HTTP server lets requests in flight finish, then running jobs are abandoned, and queued
 * log rows are written before the database closes.
 */
export const SHUTDOWN_ORDER = { intake: 5, http: 10, jobs: 20, predictionLog: 30, workers: 40, logs: 80, database: 90 } as const;

interface ShutdownStep {
  name: string;
  order: number;
  run: () => Promise<void>;
}

interface ShutdownState {
  steps: ShutdownStep[];
  running: Promise<boolean> | null;
  handlersInstalled: boolean;
}

// On globalThis: the Next server's bundles (instrumentation) and the process entry point
// (server.ts, the CLI) are different module instances that must share one list.
const globalForShutdown = globalThis as unknown as { kanaShutdown?: ShutdownState };
const state = (): ShutdownState => (globalForShutdown.kanaShutdown ??= { steps: [], running: null, handlersInstalled: false });

/** Registers work to do on shutdown; returns a function that unregisters it. Names are unique: registering again replaces. */
export function onShutdown(name: string, order: number, run: () => Promise<void>): () => void {
  const s = state();
  s.steps = s.steps.filter((step) => step.name !== name);
  const step = { name, order, run };
  s.steps.push(step);
  return () => {
    s.steps = s.steps.filter((other) => other !== step);
  };
}

/** True once a shutdown has begun: long work checks it before starting more. */
export function shuttingDown(): boolean {
  return state().running !== null;
}

/**
 * Runs every registered step in order, each logged with its duration; a failing step is
 * logged and the next one runs. Resolves true when all steps finished within `timeoutMs`,
 * false when the deadline came first (the caller then exits anyway). Runs once per process.
 */
export function runShutdown(reason: string, timeoutMs: number): Promise<boolean> {
  const s = state();
  s.running ??= (async () => {
    const started = performance.now();
    log.info(`shutting down (${reason}): ${s.steps.length} steps, at most ${timeoutMs} ms`);
    const steps = (async () => {
      for (const step of [...s.steps].sort((a, b) => a.order - b.order)) {
        const stepStarted = performance.now();
        try {
          await step.run();
          log.info(`shutdown: ${step.name} done in ${Math.round(performance.now() - stepStarted)} ms`);
        } catch (error) {
          log.error(`shutdown: ${step.name} failed`, { error });
        }
      }
      return true;
    })();
    const deadline = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    const finished = await Promise.race([steps, deadline]);
    if (finished) log.info(`shutdown complete in ${Math.round(performance.now() - started)} ms`);
    else log.error(`shutdown did not finish within ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`);
    return finished;
  })();
  return s.running;
}

/**
 * SIGTERM and SIGINT (docker stop, orchestrators, Ctrl-C) run the shutdown steps, then exit:
 * 0 after a clean shutdown, 1 when it ran out of time. A second signal exits at once.
 */
export function exitOnSignals(timeoutMs: number): void {
  const s = state();
  if (s.handlersInstalled) return;
  s.handlersInstalled = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (s.running) {
        log.warn(`${signal} again during shutdown: exiting now`);
        process.exit(1);
      }
      void runShutdown(signal, timeoutMs).then((clean) => process.exit(clean ? 0 : 1));
    });
  }
}
