import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
// Run in this order (file names sort so): retraining.spec makes a new model version and uploads-onnx.spec a new model, which the others do not expect.
const WRITES = ["**/admin.spec.ts", "**/imports.spec.ts", "**/monitoring.spec.ts", "**/numbers.spec.ts", "**/retraining.spec.ts", "**/uploads-onnx.spec.ts"];

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      // System Chromium (Debian package): `playwright install` cannot download browsers here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined }, testIgnore: WRITES },
    { name: "phone", use: { ...devices["Pixel 7"], channel: undefined }, testIgnore: WRITES },
    // Specs that change data (upload a model, edit a row, give feedback that becomes a
    // dataset version) run once, after the read-only specs that assert the seeded figures.
    { name: "writes", use: { ...devices["Desktop Chrome"], channel: undefined }, testMatch: WRITES, dependencies: ["desktop", "phone"] },
  ],
  webServer: {
    command: "bash e2e/serve.sh",
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(PORT) },
  },
});
