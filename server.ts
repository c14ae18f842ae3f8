/**
 * The production server: `node --import tsx server.ts` (what `npm start` runs after its
 * first-start setup, the Dockerfile and the e2e tests). Needs a build (`npm run build`).
 * SIGTERM/SIGINT shut it down gracefully within SHUTDOWN_TIMEOUT_MS.
 */
import { config } from "@/lib/config";
import { exitOnSignals } from "@/lib/lifecycle";
import { startServer } from "@/lib/server";

const { port, shutdownTimeoutMs } = config();
exitOnSignals(shutdownTimeoutMs);
await startServer({ port, drainTimeoutMs: shutdownTimeoutMs / 2 });
