import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` once to warm up, then `runs` times; returns the median milliseconds. */
export async function medianMs(fn: () => unknown, runs = 7): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(columns));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(columns.map((c) => cell(r[c]))));
}

export function writeResults(name: string, data: unknown): string {
  const dir = path.join(process.cwd(), "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...(data as object) }, null, 2));
  return file;
}

export interface NextServer {
  base: string;
  pid: number;
  /** Sends SIGTERM and resolves once the server has exited. */
  stop(): Promise<void>;
}

/**
 * The production server (server.ts, needs a build) on `port` with extra environment
 * variables, resolved once /api/health answers 200. The server is stopped too if this process
 * exits first.
 */
export function startNextServer(port: number, env: Record<string, string>): Promise<NextServer> {
  // One load generator is one client: the per-client limits would measure themselves.
  return startServerProcess("server.ts", port, {
    LOG_LEVEL: "warn",
    PREDICT_RATE_LIMIT: "0",
    PREDICT_CLIENT_CONCURRENCY: "0",
    FEEDBACK_RATE_LIMIT: "0",
    ...env,
  });
}

/** Any server script (run with tsx) that answers GET /api/health once ready, on `port`. */
export async function startServerProcess(script: string, port: number, env: Record<string, string>): Promise<NextServer> {
  const server = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const killOnExit = () => server.kill("SIGTERM");
  process.once("exit", killOnExit);
  const base = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    !(await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 120) throw new Error(`${script} did not become healthy within 60 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    pid: server.pid!,
    async stop() {
      process.off("exit", killOnExit);
      server.kill("SIGTERM");
      await exited;
    },
  };
}
