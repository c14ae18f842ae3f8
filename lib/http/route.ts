import { config } from "@/lib/config";
import { clientAddressOf, ConcurrencyLimiter, RateLimiter } from "@/lib/limits";
import { ApiError, errorResponse } from "./errors";
import { crossSiteReason } from "./same-origin";

/** Per-client limits of a public endpoint; built on first use (from the configuration) and kept. */
export interface ClientLimits {
  rate?: () => RateLimiter | null;
  concurrency?: () => ConcurrencyLimiter | null;
}

export interface RouteOptions {
  /**
   * Media types the body may have (`image/*` matches any image); any other Content-Type is a
   * 415. Requests with a body need one of them.
   */
  accepts?: readonly string[];
  limits?: ClientLimits;
}

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** "POST /api/models/versions/{id}/artifact": the log label of a request, ids folded away. */
function label(request: Request): string {
  const path = new URL(request.url).pathname.replace(/\/\d+(?=\/|$)/g, "/{id}");
  return `${request.method} ${path.slice(0, 200)}`;
}

function mediaTypeAccepted(request: Request, accepts: readonly string[]): boolean {
  // A request without any body (e.g. `curl -X POST`) has nothing to label.
  const length = request.headers.get("content-length");
  if ((length === "0" || (length === null && !request.headers.has("transfer-encoding"))) && !request.headers.has("content-type")) return true;
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  return accepts.some((a) => (a.endsWith("/*") ? type.startsWith(a.slice(0, -1)) : type === a));
}

/**
 * Every route handler goes through this once: requests that change something must come from
 * this site (CSRF) and carry a media type the route documents; per-client rate and
 * concurrency limits answer 429 with Retry-After; whatever the handler throws becomes the
 * API's error response (`{ error: { code, message } }`, logged, bounded).
 */
export function route<C = unknown>(options: RouteOptions, handler: (request: Request, context: C) => Promise<Response>) {
  // Next always passes the context; tests of routes without parameters may leave it out.
  return async (request: Request, context?: C): Promise<Response> => {
    let release: (() => void) | null = null;
    try {
      if (!BODYLESS.has(request.method)) {
        const refused = crossSiteReason(request, config().http.publicUrl);
        if (refused) throw new ApiError(403, "cross_site_request", `Refused: ${refused}. Use this site's own pages or a client without a browser session.`);
        if (options.accepts && !mediaTypeAccepted(request, options.accepts)) {
          const sent = (request.headers.get("content-type") ?? "").split(";")[0].trim() || "(none)";
          throw new ApiError(415, "unsupported_media_type", `Content-Type "${sent.slice(0, 100)}" is not accepted; send ${options.accepts.join(", ")}`);
        }
      }
      const client = clientAddressOf(request);
      const rate = options.limits?.rate?.()?.take(client);
      if (rate && !rate.allowed) {
        const seconds = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
        throw new ApiError(429, "rate_limited", `Too many requests from ${client}; try again in ${seconds} s.`, seconds);
      }
      const concurrency = options.limits?.concurrency?.();
      if (concurrency) {
        release = concurrency.acquire(client);
        if (!release) throw new ApiError(429, "too_many_in_flight", `Too many requests from ${client} at once (at most ${concurrency.perKey}); wait for an answer first.`, 1);
      }
      return await handler(request, context as C);
    } catch (error) {
      return errorResponse(error, label(request));
    } finally {
      release?.();
    }
  };
}

const globalForLimits = globalThis as unknown as { kanaLimiters?: Map<string, unknown> };

/**
 * A limiter built once per process from the configuration (or none when the configured value
 * turns it off), shared by every bundle that serves the endpoint: on globalThis, since Next
 * loads each route's modules separately.
 */
export function sharedLimiter<T>(name: string, build: () => T | null): () => T | null {
  return () => {
    const all = (globalForLimits.kanaLimiters ??= new Map());
    if (!all.has(name)) all.set(name, build());
    return all.get(name) as T | null;
  };
}
