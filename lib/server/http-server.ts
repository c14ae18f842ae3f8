import http from "node:http";
import type { AddressInfo } from "node:net";
import { TLSSocket } from "node:tls";
import { config } from "@/lib/config";
import { onShutdown, SHUTDOWN_ORDER } from "@/lib/lifecycle";
import { CLIENT_ADDRESS_HEADER, isTrustedPeer, resolveClientAddress, trustedProxies } from "@/lib/limits";
import { createLogger } from "@/lib/log";
import { directRoutes, type DirectRoute } from "./direct-routes";

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
  // next-auth builds its URLs from PUBLIC_URL when set, else from each request's host, which
  // normaliseForwarding below makes trustworthy (otherwise it believes it is localhost:3000).
  const { publicUrl, trustProxy } = config().http;
  if (publicUrl) process.env.NEXTAUTH_URL ??= publicUrl;
  else process.env.AUTH_TRUST_HOST ??= "true";
  const trusted = trustedProxies(trustProxy);
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), port: options.port, hostname: options.hostname });
  await app.prepare();
  const handle = app.getRequestHandler();
  const direct = await ownRoutes();
  let closing = false;
  const server = http.createServer((request, response) => {
    // A client that disconnects mid-body makes the request emit "error"; nobody else may be listening.
    request.on("error", (error) => log.debug("request stream ended early", { url: request.url, error }));
    normaliseForwarding(request, trusted);
    // Next's router answers a broken percent-escape in the path with a 500.
    if (!decodablePath(request.url)) {
      response
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { code: "malformed_url", message: "The URL path has a broken percent-escape" } }));
      return;
    }
    // During a shutdown, connections end with their response instead of staying open for more.
    if (closing) response.setHeader("connection", "close");
    const route = direct.find(request.method, request.url);
    (route ? direct.serve(route, request, response) : handle(request, response)).catch((error: unknown) => {
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

/**
 * The paths answered without Next (the prediction hot path). Loaded once Next is prepared:
 * lib/http and lib/serving use next/server, which needs the runtime Next sets up.
 */
async function ownRoutes() {
  const { requestWithBody, SECURITY_HEADERS } = await import("@/lib/http");
  const { predictBatchRoute, predictRoute } = await import("@/lib/serving");
  const { maxBytes } = config().predict;
  const routes: DirectRoute[] = config().http.predictHotPath
    ? [
        { method: "POST", path: "/api/predict", handler: predictRoute, maxBodyBytes: maxBytes },
        { method: "POST", path: "/api/predict/batch", handler: predictBatchRoute, maxBodyBytes: maxBytes },
      ]
    : [];
  return directRoutes(routes, { responseHeaders: SECURITY_HEADERS, requestWithBody });
}

function decodablePath(url: string | undefined): boolean {
  try {
    decodeURIComponent((url ?? "/").split("?")[0]);
    return true;
  } catch {
    return false;
  }
}

/**
 * What route handlers may believe about where a request comes from: the client's address
 * (CLIENT_ADDRESS_HEADER, for per-client limits), and X-Forwarded-Host/Proto (for origin
 * checks and next-auth's URLs). From a trusted proxy (TRUST_PROXY) its forwarded headers are
 * kept; from anyone else they are replaced by what this connection really is.
 */
function normaliseForwarding(request: http.IncomingMessage, trusted: ReturnType<typeof trustedProxies>) {
  const peer = request.socket.remoteAddress;
  const forwardedFor = request.headers["x-forwarded-for"];
  request.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(peer, Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor, trusted);
  if (isTrustedPeer(peer, trusted)) return;
  delete request.headers["x-forwarded-for"];
  delete request.headers["x-real-ip"];
  request.headers["x-forwarded-proto"] = request.socket instanceof TLSSocket ? "https" : "http";
  request.headers["x-forwarded-host"] = request.headers.host ?? "localhost";
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
