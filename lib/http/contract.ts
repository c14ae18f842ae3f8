import { z } from "zod";

/**
 * The API contract, declared once per operation by the area that owns it: the route wrapper
 * validates requests with these schemas, /api/openapi.json is generated from them, and
 * client components import the response types.
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH";
export type AccessLevel = "public" | "viewer" | "admin";

export interface ResponseDoc {
  description: string;
  /** The JSON body (what the handler's JSON serialises to: dates as ISO strings). */
  json?: z.ZodType;
  /** Other bodies: media type → what it holds (downloads, CSV). */
  media?: Record<string, string>;
}

export interface ErrorDoc {
  description: string;
  codes: string[];
}

export interface Operation<Query = unknown, Params = unknown, Body = unknown> {
  id: string;
  method: Method;
  /** OpenAPI-style path: `/api/benchmarks/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it (lib/auth/access.ts decides; this is what the document says). */
  access: AccessLevel;
  query?: z.ZodType<Query>;
  params?: z.ZodType<Params>;
  /** A JSON body, read (up to maxBodyBytes) and validated before the handler runs. */
  body?: z.ZodType<Body>;
  maxBodyBytes?: number;
  /** Bodies the handler reads itself (multipart, images): media type → schema or description. */
  rawBodies?: Record<string, z.ZodType | string>;
  /** Sends 429 with Retry-After past a per-client limit. */
  rateLimited?: boolean;
  responses: Record<number, ResponseDoc>;
  /** The errors particular to this operation; the common ones (403, 415, 429, 503, ...) are added from its shape. */
  errors?: Record<number, ErrorDoc>;
}

/** Declares an operation (the identity: it keeps the schema types for the handler). */
export function operation<Query = undefined, Params = undefined, Body = undefined>(op: Operation<Query, Params, Body>): Operation<Query, Params, Body> {
  return op;
}

/** The body every error has. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable machine-readable reason", example: "validation_failed" }),
      message: z.string().meta({ description: "What was wrong, for people" }),
    }),
  })
  .meta({ id: "Error" });

/** A timestamp as JSON carries it. */
export const isoDate = z.iso.datetime({ offset: true });

/** A row id in a path: a positive integer PostgreSQL's integer column can hold. */
export const idParam = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer")
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, "must be at most 2147483647")
  .meta({ description: "Row id", example: "1" });

/** A query flag: true/false/1/0. */
export const queryFlag = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
