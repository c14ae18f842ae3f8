import { z } from "zod";
import { ApiError } from "./errors";

const describeIssues = (issues: z.core.$ZodIssue[], what: string) => issues.map((i) => `${i.path.join(".") || what}: ${i.message}`).join("; ");

/**
 * Validates a request's query string against a zod object schema. Repeated keys, unknown
 * keys (with a strict schema) and bad values are 422s that name the parameter.
 */
export function parseSearchParams<S extends z.ZodType>(url: URL, schema: S, ignore: string[] = []): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (ignore.includes(key)) continue;
    if (key in raw) throw new ApiError(422, "validation_failed", `query parameter "${key.slice(0, 50)}" is given more than once`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError(422, "validation_failed", describeIssues(parsed.error.issues, "query"));
  return parsed.data;
}

/** A JSON body validated against a schema: 400 when it is not JSON, 422 when it does not fit. */
export function parseJsonBody<S extends z.ZodType>(raw: Buffer, schema: S): z.infer<S> {
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(422, "validation_failed", describeIssues(parsed.error.issues, "body"));
  return parsed.data;
}

/** A row id written as a positive integer PostgreSQL's integer column can hold, or null. */
export function rowIdOrNull(value: string): number | null {
  return /^[1-9][0-9]{0,9}$/.test(value) && Number(value) <= 2_147_483_647 ? Number(value) : null;
}

/** A positive integer path segment (an id), or a 400 naming it. */
export function parseId(value: string, name = "id"): number {
  const id = rowIdOrNull(value);
  if (id === null) throw new ApiError(400, "invalid_id", `${name} must be a positive integer`);
  return id;
}

/** A row id in a JSON body, as PostgreSQL's integer column holds it. */
export const rowIdSchema = z.number().int().positive().max(2_147_483_647, "must be a row id (at most 2147483647)");

/** Text from a request that may reach PostgreSQL (which refuses NUL) or a log line: no control characters. */
export const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v), "must not contain NUL characters or other control characters");

/** A path segment as text (decoded), or null when it cannot name anything of ours: a broken escape, control characters, too long. */
export function pathTextOrNull(raw: string, max = 100): string | null {
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return text.length > 0 && text.length <= max && !/[\u0000-\u001f\u007f]/.test(text) ? text : null;
}
