import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { authGetOperation, authPostOperation } from "@/lib/auth";
import { bestModelsOperation, explanationOperation, getBenchmarkOperation, listBenchmarksOperation, runBenchmarksOperation } from "@/lib/benchmark";
import { createImportOperation, createTagOperation, getImportOperation, listImportsOperation, updateTagOperation } from "@/lib/data";
import { healthOperation, metricsOperation } from "@/lib/health";
import { acceptedMediaTypes, errorSchema, operation, type ErrorDoc, type Operation } from "@/lib/http";
import { inngestOperations } from "@/lib/jobs";
import { feedbackOperation, reviewDecisionOperation, reviewQueueOperation } from "@/lib/monitoring";
import { listSearchesOperation, requestTrainingOperation, searchDetailOperation, trainingStatusOperation } from "@/lib/pipeline";
import { downloadArtifactOperation, setFollowsOperation, uploadModelOperation } from "@/lib/registry";
import { liveOperation, openInferenceOperations, predictBatchOperation, predictOperation, predictWrongMethodOperation, readyOperation } from "@/lib/serving";

export const openApiOperation = operation({
  id: "openApi",
  method: "GET",
  path: "/api/openapi.json",
  tag: "Operations",
  access: "public",
  summary: "This document",
  responses: { 200: { description: "The OpenAPI 3.1 document", json: z.record(z.string(), z.unknown()) } },
});

type AnyOperation = Operation<unknown, unknown, unknown>;

/** Every operation the API serves; each route handler implements one (app/api/contract.test.ts checks both ways). */
export const OPERATIONS: AnyOperation[] = [
  predictOperation,
  predictWrongMethodOperation,
  predictBatchOperation,
  feedbackOperation,
  reviewQueueOperation,
  reviewDecisionOperation,
  trainingStatusOperation,
  listSearchesOperation,
  searchDetailOperation,
  requestTrainingOperation,
  listBenchmarksOperation,
  runBenchmarksOperation,
  getBenchmarkOperation,
  bestModelsOperation,
  explanationOperation,
  downloadArtifactOperation,
  uploadModelOperation,
  setFollowsOperation,
  createImportOperation,
  listImportsOperation,
  getImportOperation,
  createTagOperation,
  updateTagOperation,
  healthOperation,
  metricsOperation,
  openApiOperation,
  authGetOperation,
  authPostOperation,
  inngestOperations.GET,
  inngestOperations.POST,
  inngestOperations.PUT,
  liveOperation,
  readyOperation,
  ...Object.values(openInferenceOperations).flatMap((ops) => Object.values(ops)),
] as AnyOperation[];

const MUTATIONS = new Set(["POST", "PUT", "PATCH"]);

/** The errors every operation of this shape can answer, besides its own. */
function commonErrors(op: AnyOperation): Record<number, ErrorDoc> {
  const errors: Record<number, ErrorDoc> = {};
  const add = (status: number, description: string, codes: string[]) => {
    const existing = errors[status];
    errors[status] = existing ? { description: `${existing.description}; ${description}`, codes: [...existing.codes, ...codes] } : { description, codes };
  };
  if (op.params)
    add(
      400,
      "A path parameter is malformed",
      Object.keys((op.params as z.ZodObject).shape ?? {}).map((k) => `invalid_${k}`),
    );
  if (op.body) add(400, "The body is not JSON, or broke off", ["invalid_json", "request_aborted"]);
  if (op.body) add(413, "The body is too large", ["payload_too_large"]);
  if (op.query || op.body) add(422, "A query parameter or the body does not fit the schema", ["validation_failed"]);
  if (MUTATIONS.has(op.method)) add(403, "Sent by a page of another site (Origin / Sec-Fetch-Site)", ["cross_site_request"]);
  if (MUTATIONS.has(op.method) && acceptedMediaTypes(op).length) add(415, "A Content-Type the operation does not take", ["unsupported_media_type"]);
  if (op.access === "admin") {
    add(401, "No session: sign in as an administrator", ["unauthenticated"]);
    add(403, "Signed in without the admin role", ["forbidden"]);
  }
  if (op.rateLimited) add(429, "Over this client's limit; see Retry-After", ["rate_limited", "too_many_in_flight"]);
  add(503, "The database cannot be reached (see Retry-After)", ["database_unavailable"]);
  add(500, "A fault of the server (logged)", ["internal_error"]);
  for (const [status, doc] of Object.entries(op.errors ?? {})) add(Number(status), doc.description, doc.codes);
  return errors;
}

function operationObject(op: AnyOperation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiOperationObject["responses"][`2${string}`]> = {};
  for (const [status, doc] of Object.entries(op.responses)) {
    const content: Record<string, { schema: z.ZodType }> = {};
    if (doc.json) content["application/json"] = { schema: doc.json };
    for (const [type, description] of Object.entries(doc.media ?? {})) content[type] = { schema: z.string().meta({ description }) };
    responses[status] = { description: doc.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  for (const [status, doc] of Object.entries(commonErrors(op))) {
    responses[status] ??= { description: `${doc.description} (codes: ${doc.codes.join(", ")})`, content: { "application/json": { schema: errorSchema } } };
  }
  const body: Record<string, { schema: z.ZodType }> = {};
  if (op.body) body["application/json"] = { schema: op.body };
  for (const [type, schema] of Object.entries(op.rawBodies ?? {}))
    body[type] = { schema: typeof schema === "string" ? z.string().meta({ format: "binary", description: schema }) : schema };
  return {
    operationId: op.id,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.access === "admin" ? { security: [{ session: [] }] } : {}),
    requestParams: { ...(op.query ? { query: op.query as z.ZodObject } : {}), ...(op.params ? { path: op.params as z.ZodObject } : {}) },
    ...(Object.keys(body).length ? { requestBody: { content: body } } : {}),
    responses,
  };
}

let cached: ReturnType<typeof createDocument> | undefined;

/** The public API contract, generated from the operations' zod schemas; served at /api/openapi.json and rendered at /docs. */
export function openApiDocument() {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const op of OPERATIONS) {
    const item = (paths[op.path] ??= {}) as Record<string, ZodOpenApiOperationObject>;
    item[op.method.toLowerCase()] = operationObject(op);
  }
  cached = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Kana Lab API",
      version: "1.0.0",
      description:
        "Recognises handwritten classical hiragana (the ten Kuzushiji-MNIST classes), and runs the registry, benchmarks and training behind it. Every error is `{ error: { code, message } }`. Admin operations need a session cookie (sign in at /signin).",
    },
    components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" } } },
    paths,
  });
  return cached;
}
