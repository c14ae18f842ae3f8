import { ConfigError } from "@/lib/config";
import { closeDatabase } from "@/lib/db";
import { flushLogs } from "@/lib/log";

/** Errors whose message says everything a person needs: printed without a stack trace. */
const EXPLAINED_ERRORS = new Set(["ConfigError", "KmnistUnavailableError", "KmnistChecksumError", "IdxFormatError", "UsageError"]);

export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Runs a command-line entry point: on success flushes logs and closes the database; on
 * failure prints the error (briefly when it explains itself) and exits non-zero
 * (2 for usage errors).
 */
export function runCli(main: () => Promise<void>, usage?: string): void {
  main()
    .then(async () => {
      await flushLogs();
      await closeDatabase();
    })
    .catch(async (error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      if (EXPLAINED_ERRORS.has(err.name) || err instanceof ConfigError) console.error(`error: ${err.message}`);
      else console.error(err);
      if (err instanceof UsageError && usage) console.error(`\n${usage}`);
      await flushLogs();
      await closeDatabase().catch(() => undefined);
      process.exit(err instanceof UsageError ? 2 : 1);
    });
}
