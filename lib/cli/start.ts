// First, as in `next start`: Next's request-scoped storage needs globalThis.AsyncLocalStorage,
// and the modules below reach next/server (the route errors, after()) before Next itself loads.
import "next/dist/server/node-environment";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { trainInitialModels } from "@/lib/bootstrap";
import { config } from "@/lib/config";
import { prepareKmnist } from "@/lib/data";
import { closeDatabase, getDb } from "@/lib/db";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";
import { createLogger, flushLogs } from "@/lib/log";
import { startServer } from "@/lib/server";
import { objectStore } from "@/lib/storage";
import { runCli } from "./run";

/**
 * `npm start`: everything a fresh checkout needs, then the server, in one process. Migrates
 * the database, imports KMNIST (KMNIST_DIR or download), trains the initial models while no
 * champion exists (resuming an interrupted first start), builds the app when no build is
 * present, and serves it on PORT (default 3000). SIGTERM/SIGINT shut down gracefully at any
 * point.
 */
const log = createLogger("start");
const NEXT_BIN = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit" });
    const stop = onShutdown("app build", SHUTDOWN_ORDER.jobs, async () => void child.kill("SIGTERM"));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      stop();
      if (code === 0) resolve();
      else reject(new Error(`next build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

async function main() {
  const cfg = config();
  const db = await getDb();
  const store = objectStore();
  await prepareKmnist(db, store);
  if (cfg.trainOnStart) await trainInitialModels(db, store);
  await flushLogs();
  // The server opens the database again itself; PGlite allows one client per data folder.
  await closeDatabase();

  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID")) || process.env.KANA_REBUILD === "true") {
    log.info("building the app (first start)");
    await build();
  }
  await startServer({ port: cfg.port, drainTimeoutMs: cfg.shutdownTimeoutMs / 2 });
}

runCli(main, undefined, { keepAlive: true });
