import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./ports";

/**
 * The real production server (server.ts, a custom Next server over the build) as a child
 * process, for tests where Next itself, the proxy or the process lifecycle is involved.
 */
export interface AppServer {
  url: string;
  process: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it is still there after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

const BUILD_ID = path.join(process.cwd(), ".next", "BUILD_ID");

/** Builds the app once when no build exists (`npm test` builds before the unit tests). */
export function ensureBuild(): void {
  if (fs.existsSync(BUILD_ID)) return;
  const build = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
}

export async function startAppServer(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<AppServer> {
  ensureBuild();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  // `--import tsx` keeps it one process: tsx's CLI would fork, and a signal would hit the wrapper.
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      TRAIN_SCHEDULE: "off",
      MODEL_POLL_SCHEDULE: "off",
      BENCHMARK_SCHEDULE: "off",
      MONITORING_SCHEDULE: "off",
      LOG_LEVEL: "info",
      ...env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  child.stdout!.on("data", (c: Buffer) => chunks.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const server: AppServer = {
    url,
    process: child,
    output: () => chunks.join(""),
    exited,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before it was ready:\n${server.output()}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server was not ready in time:\n${server.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
