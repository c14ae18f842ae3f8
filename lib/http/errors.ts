import { NextResponse } from "next/server";
import { createLogger } from "@/lib/log";
import { readAll } from "@/lib/streams";

const log = createLogger("api");

/** A client error with a stable machine-readable code; becomes `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Recognises ApiErrors by shape, not class (not even `instanceof Error`): Next bundles the
 * instrumentation hook and each route separately, and a service created in one throws that
 * bundle's ApiError into the other.
 */
export function isApiError(error: unknown): error is ApiError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Error).name === "ApiError" &&
    typeof (error as ApiError).status === "number" &&
    typeof (error as ApiError).code === "string"
  );
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

// Network failures, postgres.js connection states, and SQLSTATE class 08 / 57P0x (the
// server is shutting down or starting up).
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P02", "57P03"]);

/** True when `error` (or one of its causes: drizzle wraps driver errors) says the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (UNAVAILABLE_CODES.has(code) || code.startsWith("08")) return true;
  }
  return false;
}

/**
 * Turns any thrown value into a JSON response. ApiErrors are the client's fault: 4xx, logged
 * as a rejection. A database that cannot be reached is a 503 the client may retry. Anything
 * else is ours: 500 with a generic message, logged with details.
 */
export function errorResponse(error: unknown, route: string): NextResponse {
  if (isApiError(error)) {
    log.warn(`${route}: rejected (${error.code})`, { status: error.status, message: error.message });
    return NextResponse.json(errorBody(error.code, error.message), { status: error.status });
  }
  if (isDatabaseUnavailable(error)) {
    log.error(`${route}: database unavailable`, { error });
    return NextResponse.json(errorBody("database_unavailable", "The database cannot be reached right now; try again shortly."), {
      status: 503,
      headers: { "Retry-After": "5" },
    });
  }
  log.error(`${route}: internal error`, { error });
  return NextResponse.json(errorBody("internal_error", "The server failed to handle this request; it has been logged."), { status: 500 });
}

/**
 * Reads a request body, refusing (413) as soon as it exceeds `maxBytes`, whatever the
 * Content-Length header claims.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError(413, "payload_too_large", `Request body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  }
  if (!request.body) return Buffer.alloc(0);
  return readAll(request.body, (received) => {
    if (received > maxBytes) throw new ApiError(413, "payload_too_large", `Request body exceeds the limit of ${maxBytes} bytes`);
  });
}
