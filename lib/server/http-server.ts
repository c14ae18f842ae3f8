import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@/lib/log";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";

const log = createLogger("server");

export interface ServerOptions {
  port: number;
  hostname?: string;
  /** The longest an in-flight request may delay a shutdown before its connection is cut. */
  drainTimeoutMs: number;
}

/**
 * Serves the built app (a custom Next server, officially supported): the same request
 * handling as `next start`, but this process owns the HTTP server, so a shutdown first stops
 * taking connections and lets requests in flight finish, then runs the app's other shutdown
 * steps (lib/lifecycle), which `next start` would cut short with its own exit.
 */
export async function startServer(options: ServerOptions): Promise<http.Server> {
  // Before Next loads: it reads NODE_ENV when it starts, and React picks its build from it.
  (process.env as Record<string, string>).NODE_ENV ??= "production";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), port: options.port, hostname: options.hostname });
  await app.prepare();
  const handle = app.getRequestHandler();
  let closing = false;
  const server = http.createServer((request, response) => {
    // During a shutdown, connections end with their response instead of staying open for more.
    if (closing) response.setHeader("connection", "close");
    handle(request, response).catch((error: unknown) => {
      log.error("request handler failed", { url: request.url, error });
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  onShutdown("http server (requests in flight finish)", SHUTDOWN_ORDER.http, () => {
    closing = true;
    return closeServer(server, options.drainTimeoutMs);
  });
  onShutdown("next", SHUTDOWN_ORDER.workers, () => app.close());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info(`serving on http://${options.hostname ?? "localhost"}:${port}`);
  return server;
}

/** Stops accepting connections and waits for requests in flight, cutting the rest after `timeoutMs`. */
function closeServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => {
      log.warn(`requests still in flight after ${timeoutMs} ms: closing their connections`);
      server.closeAllConnections();
    }, timeoutMs).unref();
    // A keep-alive connection whose request just finished would otherwise hold the close up until it times out.
    const sweep = setInterval(() => server.closeIdleConnections(), 50).unref();
    server.close(() => {
      clearTimeout(cut);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
