import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

let cached: string | undefined;

/** The git commit this code was built from (or the package version outside a checkout). */
export function codeVersion(): string {
  if (cached) return cached;
  try {
    cached = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    cached = process.env.KANA_CODE_VERSION ?? `v${(createRequire(import.meta.url)("../package.json") as { version: string }).version}`;
  }
  return cached;
}
