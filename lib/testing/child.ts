import { spawn, type ChildProcess } from "node:child_process";

/** A TypeScript module of this project run in its own Node process, as the crash tests kill them. */
export interface TsChild {
  process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `node --import tsx <script> ...args` with `env` over this process's environment.
 * `--import tsx` keeps it one process: tsx's CLI forks, and a signal would then hit only its
 * wrapper while the real process went on.
 */
export function spawnTsChild(script: string, args: string[], env: Record<string, string | undefined>): TsChild {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    chunks.push(chunk.toString());
    process.stderr.write(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => chunks.join(""), exited, kill: (signal) => void child.kill(signal) };
}

/** Polls `condition` every 100 ms until it holds, or throws after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
