import { NextResponse } from "next/server";
import { createLogger } from "@/lib/log";
import { readAll } from "@/lib/streams";
import { rejectionLog } from "./rejections";

const log = createLogger("api");

/** A client error with a stable machine-readable code; becomes `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    /** Sent as Retry-After (429, 503). */
    public readonly retryAfterSeconds?: number,
    /** More response headers (e.g. Allow for a 405). */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** What an error that knows its HTTP answer carries (ApiError, and domain errors such as BusyError). */
export interface HttpErrorShape {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
  headers?: Record<string, string>;
}

/**
 * Recognises errors that carry their answer, `{ status (4xx/5xx), code, message }`, by shape,
 * not class (not even `instanceof Error`): Next bundles the instrumentation hook and each
 * route separately, and a service created in one throws that bundle's classes into the other.
 */
export function isApiError(error: unknown): error is HttpErrorShape {
  if (typeof error !== "object" || error === null) return false;
  const { status, code, message } = error as Partial<HttpErrorShape>;
  return typeof status === "number" && status >= 400 && status <= 599 && typeof code === "string" && typeof message === "string";
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

// Network failures, postgres.js connection states, and SQLSTATE class 08 / 57P0x (the
// server is shutting down or starting up). Client disconnects never get here: reading a
// request body turns them into `request_aborted` first.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
]);

/** True when `error` (or one of its causes: drizzle wraps driver errors) says the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (UNAVAILABLE_CODES.has(code) || code.startsWith("08")) return true;
  }
  return false;
}

/**
 * Turns any thrown value into a JSON response. Errors that carry their answer (ApiError,
 * BusyError, ...) are the client's fault or a momentary limit: 4xx/503, logged (bounded). A
 * database that cannot be reached is a 503 the client may retry. Anything else is ours: 500
 * with a generic message, logged with details.
 */
/** How an error becomes a body: the API's `{ error: { code, message } }`, or another protocol's shape. */
export type ErrorFormat = (code: string, message: string) => unknown;

export function errorResponse(error: unknown, route: string, format: ErrorFormat = errorBody): NextResponse {
  if (isApiError(error)) {
    rejectionLog().record(route, error);
    const headers = { ...error.headers, ...(error.retryAfterSeconds !== undefined ? { "Retry-After": String(error.retryAfterSeconds) } : {}) };
    return NextResponse.json(format(error.code, error.message), { status: error.status, headers });
  }
  if (isDatabaseUnavailable(error)) {
    log.error(`${route}: database unavailable`, { error });
    return NextResponse.json(format("database_unavailable", "The database cannot be reached right now; try again shortly."), {
      status: 503,
      headers: { "Retry-After": "5" },
    });
  }
  log.error(`${route}: internal error`, { error });
  return NextResponse.json(format("internal_error", "The server failed to handle this request; it has been logged."), { status: 500 });
}

// A symbol in the global registry: the custom server and Next's bundles each load this module.
const READ_BODY = Symbol.for("kana.requestBody");

/**
 * A Request whose body was already read (by the custom server, lib/server/direct-routes.ts,
 * bounded): handlers get it from readBodyLimited without a second pass through a web stream.
 */
export function requestWithBody(url: URL, init: { method: string; headers: Headers }, body: Buffer | undefined): Request {
  return Object.assign(new Request(url, init), { [READ_BODY]: body });
}

const bodyTooLarge = (maxBytes: number) => new ApiError(413, "payload_too_large", `Request body exceeds the limit of ${maxBytes} bytes`);

/**
 * Reads a request body, refusing (413) as soon as it exceeds `maxBytes`, whatever the
 * Content-Length header claims. A body that breaks off (the client disconnected) is a 400
 * `request_aborted`, not an outage.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError(413, "payload_too_large", `Request body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  }
  if (READ_BODY in request) {
    const body = (request as { [READ_BODY]?: Buffer })[READ_BODY] ?? Buffer.alloc(0);
    if (body.length > maxBytes) throw bodyTooLarge(maxBytes);
    return body;
  }
  if (!request.body) return Buffer.alloc(0);
  try {
    return await readAll(request.body, (received) => {
      if (received > maxBytes) throw bodyTooLarge(maxBytes);
    });
  } catch (error) {
    if (isApiError(error)) throw error;
    throw new ApiError(400, "request_aborted", "The request body ended before it was complete (the client disconnected?)");
  }
}
