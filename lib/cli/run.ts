import { config, ConfigError } from "@/lib/config";
import { closeDatabase } from "@/lib/db";
import { exitOnSignals, onShutdown, SHUTDOWN_ORDER, shuttingDown } from "@/lib/lifecycle";
import { flushLogs } from "@/lib/log";

/** Errors whose message says everything a person needs: printed without a stack trace. */
const EXPLAINED_ERRORS = new Set(["ConfigError", "KmnistUnavailableError", "KmnistChecksumError", "IdxFormatError", "UsageError", "TrainingVersionError"]);

export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Runs a command-line entry point: on success flushes logs and closes the database (unless
 * `keepAlive`: the entry point started a server that goes on); on failure prints the error
 * (briefly when it explains itself) and exits non-zero (2 for usage errors). Work cut short
 * by a shutdown signal is left to the shutdown steps, which exit themselves.
 */
export function runCli(main: () => Promise<void>, usage?: string, options: { keepAlive?: boolean } = {}): void {
  // SIGTERM/SIGINT: the command's own shutdown steps (e.g. an interrupted training), then logs and the database.
  onShutdown("logs", SHUTDOWN_ORDER.logs, flushLogs);
  onShutdown("database", SHUTDOWN_ORDER.database, closeDatabase);
  Promise.resolve()
    .then(() => exitOnSignals(config().shutdownTimeoutMs))
    .then(main)
    .then(async () => {
      if (options.keepAlive) return;
      await flushLogs();
      await closeDatabase();
    })
    .catch(async (error: unknown) => {
      if (shuttingDown()) return;
      const err = error instanceof Error ? error : new Error(String(error));
      if (EXPLAINED_ERRORS.has(err.name) || err instanceof ConfigError) console.error(`error: ${err.message}`);
      else console.error(err);
      if (err instanceof UsageError && usage) console.error(`\n${usage}`);
      await flushLogs();
      await closeDatabase().catch(() => undefined);
      process.exit(err instanceof UsageError ? 2 : 1);
    });
}
