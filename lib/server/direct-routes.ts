import type http from "node:http";
import { createLogger } from "@/lib/log";

const log = createLogger("server");

/** A route handler as Next calls it: a Web Request in, a Web Response out (lib/http's `route`). */
export type WebHandler = (request: Request) => Promise<Response>;

/**
 * A path the custom server answers itself, with the same handler Next would run, so that the
 * prediction hot path does not pay Next's per-request cost (router, tracing, stream
 * adapters: ~1.5 ms of CPU a request, measured). The proxy (proxy.ts) skips these paths in
 * Next too, so access rules are the same either way: the handler checks what it needs.
 */
export interface DirectRoute {
  method: "GET" | "POST";
  path: string;
  handler: WebHandler;
  /** The handler refuses bodies above this (413): read one byte more so that it sees the excess. */
  maxBodyBytes: number;
}

/**
 * What lib/http provides to answer like a route handler: the security headers, and a Request
 * that carries its already-read body (handed in, since lib/http loads next/server, which
 * needs the runtime Next sets up first).
 */
export interface WebAdapter {
  responseHeaders: ReadonlyArray<{ key: string; value: string }>;
  requestWithBody(url: URL, init: { method: string; headers: Headers }, body: Buffer | undefined): Request;
}

/**
 * The custom server's own routes: `find` picks the route for a request (exact path, no
 * trailing-slash variants: those go to Next), `serve` answers it, with the security headers
 * next.config.ts gives Next's answers.
 */
export function directRoutes(routes: DirectRoute[], adapter: WebAdapter) {
  const table = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const base = Object.fromEntries(adapter.responseHeaders.map(({ key, value }) => [key.toLowerCase(), value]));
  return {
    find(method: string | undefined, url: string | undefined): DirectRoute | undefined {
      if (!url) return undefined;
      const end = url.indexOf("?");
      return table.get(`${method} ${end < 0 ? url : url.slice(0, end)}`);
    },
    serve: (route: DirectRoute, request: http.IncomingMessage, response: http.ServerResponse) => serveDirect(route, request, response, base, adapter),
  };
}

/**
 * Reads at most `limit` bytes of the body. Resolves null when the client went away first.
 * What is past the limit is not read: the handler answers 413 and the connection closes.
 */
function readUpTo(request: http.IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (value: { body: Buffer; truncated: boolean } | null) => {
      request.off("data", onData).off("end", onEnd).off("close", onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        request.pause();
        finish({ body: Buffer.concat(chunks, size).subarray(0, limit), truncated: true });
      }
    };
    const onEnd = () => finish({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), truncated: false });
    const onClose = () => (request.readableEnded ? undefined : finish(null));
    request.on("data", onData).on("end", onEnd).on("close", onClose);
  });
}

const DRAIN_MS = 1000;

function discardRest(request: http.IncomingMessage, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      request.off("end", done).off("close", done);
      resolve();
    }
    request.on("end", done).on("close", done).resume();
  });
}

function webHeaders(request: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** Answers `request` with `route`'s handler: Node's request becomes a Web Request, its Response goes back through Node. */
async function serveDirect(
  route: DirectRoute,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  base: http.OutgoingHttpHeaders,
  adapter: WebAdapter,
): Promise<void> {
  let truncated = false;
  let body: Buffer | undefined;
  if (request.method !== "GET" && request.method !== "HEAD") {
    const read = await readUpTo(request, route.maxBodyBytes + 1);
    if (!read) {
      log.debug("client went away before its request body was complete", { url: request.url });
      return;
    }
    ({ body, truncated } = read);
  }
  const url = new URL(request.url ?? "/", "http://localhost");
  const answer = await route.handler(adapter.requestWithBody(url, { method: request.method ?? "POST", headers: webHeaders(request) }, body));
  const headers: http.OutgoingHttpHeaders = { ...base };
  answer.headers.forEach((value, name) => (headers[name] = value));
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const payload = Buffer.from(await answer.arrayBuffer());
  if (truncated) {
    // The connection closes after an oversized body. Closing while the client's bytes sit
    // unread resets it, and the client may lose the answer: discard what still arrives first,
    // until the body ends or DRAIN_MS pass.
    headers.connection = "close";
    await discardRest(request, DRAIN_MS);
  }
  headers["content-length"] = payload.length;
  response.writeHead(answer.status, headers).end(request.method === "HEAD" ? undefined : payload);
}
