import { config } from "@/lib/config";
import { clientAddressOf, ConcurrencyLimiter, RateLimiter } from "@/lib/limits";
import { telemetry } from "@/lib/telemetry";
import type { Operation } from "./contract";
import { ApiError, errorResponse, readBodyLimited, type ErrorFormat } from "./errors";
import { parseJsonBody, parseSearchParams } from "./params";
import { crossSiteReason } from "./same-origin";

/** Per-client limits of a public endpoint; built on first use (from the configuration) and kept. */
export interface ClientLimits {
  rate?: () => RateLimiter | null;
  concurrency?: () => ConcurrencyLimiter | null;
}

/** What a handler gets: the request, and its query, path parameters and JSON body validated by the operation's schemas. */
export interface RouteInput<Query, Params, Body> {
  request: Request;
  query: Query;
  params: Params;
  body: Body;
  /** Next's own context, for handlers that hand the request on (next-auth, Inngest). */
  context: RouteContext;
}

export type RouteContext = { params?: Promise<Record<string, string | string[]>> };

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);
const DEFAULT_MAX_BODY = 16 * 1024;

/** The media types an operation documents for its body (`image/*` matches any image). */
export function acceptedMediaTypes(op: Operation<unknown, unknown, unknown>): string[] {
  return [...(op.body ? ["application/json"] : []), ...Object.keys(op.rawBodies ?? {})];
}

function mediaTypeAccepted(request: Request, accepts: string[]): boolean {
  // A request without any body (e.g. `curl -X POST`) has nothing to label.
  const length = request.headers.get("content-length");
  if ((length === "0" || (length === null && !request.headers.has("transfer-encoding"))) && !request.headers.has("content-type")) return true;
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  return accepts.some((a) => (a.endsWith("/*") ? type.startsWith(a.slice(0, -1)) : type === a));
}

async function pathParams<P>(op: Operation<unknown, P, unknown>, context: RouteContext | undefined): Promise<P> {
  if (!op.params) return undefined as P;
  const raw = (await context?.params) ?? {};
  const parsed = op.params.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0] ?? "path");
  throw new ApiError(400, `invalid_${name}`, `${name}: ${issue.message}`);
}

/**
 * Every route handler goes through this once, with the operation it implements: requests that
 * change something must come from this site (CSRF) and carry a media type the operation
 * documents; per-client rate and concurrency limits answer 429 with Retry-After; the query,
 * path parameters and JSON body are validated by the operation's schemas; whatever the
 * handler throws becomes the API's error response (`{ error: { code, message } }`, logged,
 * bounded). Access rules are enforced before, by proxy.ts.
 */
export function route<Query, Params, Body>(
  op: Operation<Query, Params, Body>,
  handler: (input: RouteInput<Query, Params, Body>) => Promise<Response>,
  options: { limits?: ClientLimits; errorFormat?: ErrorFormat } = {},
) {
  const accepts = acceptedMediaTypes(op as Operation<unknown, unknown, unknown>);
  // Next always passes the context; tests of routes without parameters may leave it out.
  const handle = async (request: Request, context?: RouteContext): Promise<Response> => {
    const started = performance.now();
    const response = await answer(request, context);
    const { httpRequests, httpDuration } = telemetry();
    httpRequests.inc({ route: op.path, method: op.method, status: response.status });
    httpDuration.observe({ route: op.path, method: op.method }, (performance.now() - started) / 1000);
    return response;
  };
  const answer = async (request: Request, context?: RouteContext): Promise<Response> => {
    let release: (() => void) | null = null;
    try {
      if (!BODYLESS.has(request.method)) {
        const refused = crossSiteReason(request, config().http.publicUrl);
        if (refused) throw new ApiError(403, "cross_site_request", `Refused: ${refused}. Use this site's own pages or a client without a browser session.`);
        if (accepts.length > 0 && !mediaTypeAccepted(request, accepts)) {
          const sent = (request.headers.get("content-type") ?? "").split(";")[0].trim() || "(none)";
          throw new ApiError(415, "unsupported_media_type", `Content-Type "${sent.slice(0, 100)}" is not accepted; send ${accepts.join(", ")}`);
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
        if (!release)
          throw new ApiError(
            429,
            "too_many_in_flight",
            `Too many requests from ${client} at once (at most ${concurrency.perKey}); wait for an answer first.`,
            1,
          );
      }
      const params = await pathParams(op, context);
      const query = op.query ? parseSearchParams(new URL(request.url), op.query) : (undefined as Query);
      const body = op.body ? parseJsonBody(await readBodyLimited(request, op.maxBodyBytes ?? DEFAULT_MAX_BODY), op.body) : (undefined as Body);
      return await handler({ request, query, params, body, context: context ?? {} });
    } catch (error) {
      return errorResponse(error, `${op.method} ${op.path}`, options.errorFormat);
    } finally {
      release?.();
    }
  };
  // The operation travels with its handler: the contract test matches route files to operations.
  return Object.assign(handle, { operation: op });
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
