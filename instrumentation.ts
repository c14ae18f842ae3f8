/**
 * Runs once when the Next server starts: validates the configuration (a bad variable stops
 * the server with its name), opens and migrates the database, creates the local admin
 * when no LDAP directory is configured, and loads the champion into
 * the inference worker so the first prediction does not pay for it, removes what a crash
 * left in the object store (orphans, dead partial writes), and starts the embedded
 * job runner (schedules, queued and interrupted jobs, a first benchmark sweep) unless
 * Inngest is the job engine.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("@/lib/config");
  config();
  const { database } = await import("@/lib/db");
  const { db } = await database();
  if (!config().auth.ldap) {
    const { ensureBootstrapAdmin } = await import("@/lib/auth");
    const { adminUsername, adminPassword } = config().auth;
    const admin = await ensureBootstrapAdmin(db, adminUsername, adminPassword);
    // Shown once, on the console only: the database keeps just its hash.
    if (admin.generatedPassword) {
      console.info(`\n  Local admin created. User name: ${admin.username}  Password: ${admin.generatedPassword}\n  (shown once; set ADMIN_PASSWORD to choose another)\n`);
    }
  }
  const { predictService } = await import("@/lib/serving");
  const { createLogger } = await import("@/lib/log");
  // A crash can leave objects stored for rows never committed, and temporary files of dead writers.
  const { repairConsistency } = await import("@/lib/integrity");
  const { objectStore } = await import("@/lib/storage");
  repairConsistency(db, objectStore()).catch((error: unknown) => createLogger("integrity").warn("consistency check failed", { error }));
  (await predictService()).warmUp().catch((error: unknown) => createLogger("serving").warn("champion not preloaded", { error }));
  if (config().jobs.engine === "embedded") {
    const { embeddedRunner, BENCHMARKS_REQUESTED } = await import("@/lib/jobs");
    const runner = await embeddedRunner();
    // Models registered while the server was down (first start, CLI) are benchmarked now.
    if (config().benchmarks.schedule) await runner.send(BENCHMARKS_REQUESTED, { reason: "startup" });
  }
}
