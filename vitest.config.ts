import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**"],
    environment: "node",
    env: { LOG_LEVEL: "error" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one PostgreSQL server and wasm ML state; files run in separate forks.
    pool: "forks",
    fileParallelism: false,
  },
});
