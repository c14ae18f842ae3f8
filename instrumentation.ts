/**
 * Runs once when the Next server starts: validates the configuration (a bad variable stops
 * the server with its name), opens and migrates the database, creates the local admin
 * when no LDAP directory is configured, and loads the champion into
 * the inference worker so the first prediction does not pay for it, removes what a crash
 * left in the object store (orphans, dead partial writes), marks runs that a stopped
 * process left "running" as interrupted, starts the embedded job runner (schedules, queued
 * jobs and those whose process is gone, a first benchmark sweep) unless Inngest is the job
 * engine, and registers the graceful-shutdown steps (lib/lifecycle) that server.ts runs on
 * SIGTERM/SIGINT.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("@/lib/config");
  config();
  const { database, closeDatabase } = await import("@/lib/db");
  const { db } = await database();
  const { onShutdown, SHUTDOWN_ORDER } = await import("@/lib/lifecycle");
  const { createLogger, flushLogs } = await import("@/lib/log");
  onShutdown("logs", SHUTDOWN_ORDER.logs, flushLogs);
  onShutdown("database", SHUTDOWN_ORDER.database, closeDatabase);
  if (!config().auth.ldap) {
    const { ensureBootstrapAdmin } = await import("@/lib/auth");
    const { adminUsername, adminPassword } = config().auth;
    const admin = await ensureBootstrapAdmin(db, adminUsername, adminPassword);
    // Shown once, on the console only: the database keeps just its hash.
    if (admin.generatedPassword) {
      console.info(
        `\n  Local admin created. User name: ${admin.username}  Password: ${admin.generatedPassword}\n  (shown once; set ADMIN_PASSWORD to choose another)\n`,
      );
    }
  }
  const { predictService, closePredictService } = await import("@/lib/serving");
  const { flushPredictionLog } = await import("@/lib/monitoring");
  const { closeBenchmarkPool } = await import("@/lib/benchmark");
  onShutdown("prediction log", SHUTDOWN_ORDER.predictionLog, flushPredictionLog);
  onShutdown("worker threads", SHUTDOWN_ORDER.workers, async () => {
    await Promise.all([closePredictService(), closeBenchmarkPool()]);
  });
  // A crash can leave objects stored for rows never committed, and temporary files of dead writers.
  const { repairConsistency } = await import("@/lib/integrity");
  const { objectStore } = await import("@/lib/storage");
  repairConsistency(db, objectStore()).catch((error: unknown) => createLogger("integrity").warn("consistency check failed", { error }));
  // Models registered before ONNX Runtime served them get their ONNX form (once; idempotent).
  const { addMissingOnnxForms } = await import("@/lib/registry");
  addMissingOnnxForms(db, objectStore()).catch((error: unknown) => createLogger("registry").warn("adding ONNX forms failed", { error }));
  const { expireStaleRuns } = await import("@/lib/pipeline");
  await expireStaleRuns(db);
  (await predictService()).warmUp().catch((error: unknown) => createLogger("serving").warn("champion not preloaded", { error }));
  if (config().jobs.engine === "embedded") {
    const { embeddedRunner, BENCHMARKS_REQUESTED } = await import("@/lib/jobs");
    const runner = await embeddedRunner();
    onShutdown("job runner: no new jobs", SHUTDOWN_ORDER.intake, async () => runner.pause());
    // Running jobs are abandoned at their next check: back in the queue, the attempt not counted.
    onShutdown("job runner (running jobs are interrupted and resume at the next start)", SHUTDOWN_ORDER.jobs, () => runner.stop({ abandon: true }));
    // Models registered while the server was down (first start, CLI) are benchmarked now.
    if (config().benchmarks.schedule) await runner.send(BENCHMARKS_REQUESTED, { reason: "startup" });
  }
}
