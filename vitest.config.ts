import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    environment: "node",
    // Per-client limits off: route tests call handlers as one anonymous client in quick
    // succession. The security tests turn them on.
    env: { LOG_LEVEL: "error", PREDICT_RATE_LIMIT: "0", PREDICT_CLIENT_CONCURRENCY: "0", FEEDBACK_RATE_LIMIT: "0" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one PostgreSQL server and wasm ML state; files run in separate forks.
    pool: "forks",
    fileParallelism: false,
  },
});
