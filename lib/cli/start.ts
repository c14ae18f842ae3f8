import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { prepareData, trainInitialModels } from "@/lib/bootstrap";
import { config } from "@/lib/config";
import { closeDatabase, getDb } from "@/lib/db";
import { createLogger, flushLogs } from "@/lib/log";
import { objectStore } from "@/lib/storage";
import { runCli } from "./run";

/**
 * `npm start`: everything a fresh checkout needs, then the server. Migrates the database,
 * imports KMNIST (KMNIST_DIR or download), trains the initial models if none exist,
 * builds the app when no build is present, and serves it on PORT (default 3000).
 */
const log = createLogger("start");
const NEXT_BIN = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");

async function main() {
  const cfg = config();
  const db = await getDb();
  const store = objectStore();
  await prepareData(db, store);
  if (cfg.trainOnStart) await trainInitialModels(db, store);
  await flushLogs();
  // PGlite allows one process per data folder: hand it over to the server.
  await closeDatabase();

  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID")) || process.env.KANA_REBUILD === "true") {
    log.info("building the app (first start)");
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
  }
  log.info(`serving on http://localhost:${cfg.port}`);
  const server = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(cfg.port)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

runCli(main);
