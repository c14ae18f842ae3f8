import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { predictions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { operation, pageOf, paging } from "@/lib/http";
import { NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { pngDataUrl } from "@/lib/preprocess";

const log = createLogger("monitoring.review");

const klass = z.coerce
  .number()
  .int()
  .min(0)
  .max(NUM_CLASSES - 1);
const share = z.coerce.number().min(0).max(1);

/** The review queue's filters: status, the proposed class, the model's confidence. */
export const reviewQuerySchema = z
  .object({
    ...paging,
    pageSize: z.coerce.number().int().min(1).max(200).default(60),
    status: z.enum(["pending", "approved", "rejected"]).default("pending"),
    label: klass.optional().describe("the class people proposed"),
    predicted: klass.optional().describe("the class the model answered"),
    minConfidence: share.optional(),
    maxConfidence: share.optional(),
  })
  .strict();

export type ReviewQuery = z.infer<typeof reviewQuerySchema>;

export const reviewDecisionSchema = z
  .object({
    ids: z.array(z.uuid("each id must be a predictionId")).min(1).max(500),
    decision: z.enum(["approve", "reject"]),
  })
  .strict();

const reviewItemSchema = z.object({
  id: z.string(),
  ts: z.string(),
  predicted: z.number().int(),
  confidence: z.number(),
  label: z.number().int().nullable().meta({ description: "The class the person proposed; null when they said it is none of the ten" }),
  kind: z.enum(["confirmed", "corrected", "none"]),
  status: z.enum(["pending", "approved", "rejected"]),
  reviewedBy: z.string().nullable(),
  ingested: z.boolean().meta({ description: "Already a record of the feedback source (no longer changeable)" }),
  png: z.string().meta({ description: "The 28x28 the model saw, as a PNG data URL" }),
});

export const reviewQueueSchema = z
  .object({
    rows: z.array(reviewItemSchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    pages: z.number().int(),
    counts: z.object({ pending: z.number().int(), approved: z.number().int(), rejected: z.number().int() }),
  })
  .meta({ id: "FeedbackReviewQueue" });

export const reviewQueueOperation = operation({
  id: "feedbackReviewQueue",
  method: "GET",
  path: "/api/admin/feedback",
  tag: "Monitoring",
  access: "admin",
  summary: "Feedback to review: images as the model saw them, predicted against proposed class",
  query: reviewQuerySchema,
  responses: { 200: { description: "One page of the queue, with counts by status", json: reviewQueueSchema } },
});

export const reviewDecisionOperation = operation({
  id: "feedbackReview",
  method: "POST",
  path: "/api/admin/feedback/review",
  tag: "Monitoring",
  access: "admin",
  summary: "Approve or reject feedback in bulk; approved feedback joins the feedback source at the next monitoring run",
  body: reviewDecisionSchema,
  // 500 ids of 36 characters and their quotes: room for the largest valid decision.
  maxBodyBytes: 64 * 1024,
  responses: {
    200: {
      description: "How many were changed, and how many could not be (unknown, without feedback, or already ingested)",
      json: z.object({ changed: z.number().int(), unchanged: z.number().int() }),
    },
  },
});

/** One page of feedback of a review status, filtered, newest first (oldest first with `order=asc`). */
export async function reviewQueue(db: Db, query: ReviewQuery) {
  const where = and(
    isNotNull(predictions.feedbackAt),
    eq(predictions.reviewStatus, query.status),
    query.label !== undefined ? eq(predictions.feedbackLabel, query.label) : undefined,
    query.predicted !== undefined ? eq(predictions.predicted, query.predicted) : undefined,
    query.minConfidence !== undefined ? gte(predictions.confidence, query.minConfidence) : undefined,
    query.maxConfidence !== undefined ? lte(predictions.confidence, query.maxConfidence) : undefined,
  );
  const [rows, [{ total }], byStatus] = await Promise.all([
    db
      .select({
        id: predictions.id,
        ts: predictions.feedbackAt,
        input: predictions.input,
        predicted: predictions.predicted,
        confidence: predictions.confidence,
        label: predictions.feedbackLabel,
        kind: predictions.feedbackKind,
        status: predictions.reviewStatus,
        reviewedBy: predictions.reviewedBy,
        batch: predictions.feedbackBatchId,
      })
      .from(predictions)
      .where(where)
      .orderBy(query.order === "asc" ? asc(predictions.feedbackAt) : desc(predictions.feedbackAt), asc(predictions.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(predictions).where(where),
    db.select({ status: predictions.reviewStatus, n: count() }).from(predictions).where(isNotNull(predictions.feedbackAt)).groupBy(predictions.reviewStatus),
  ]);
  const counts = { pending: 0, approved: 0, rejected: 0 };
  for (const row of byStatus) if (row.status) counts[row.status] = row.n;
  const items = await Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      ts: r.ts!.toISOString(),
      predicted: r.predicted,
      confidence: r.confidence,
      label: r.label,
      kind: r.kind!,
      status: r.status!,
      reviewedBy: r.reviewedBy,
      ingested: r.batch !== null,
      png: await pngDataUrl(r.input),
    })),
  );
  return { ...pageOf(items, total, query), counts };
}

/**
 * Approves or rejects feedback. Feedback already ingested (a record of the feedback source)
 * stays as it is: the decision must come before it trains anything.
 */
export async function reviewFeedback(
  db: Db,
  decision: z.infer<typeof reviewDecisionSchema>,
  reviewer: string,
): Promise<{ changed: number; unchanged: number }> {
  const ids = [...new Set(decision.ids)];
  const changed = await db
    .update(predictions)
    .set({ reviewStatus: decision.decision === "approve" ? "approved" : "rejected", reviewedBy: reviewer, reviewedAt: sql`now()` })
    .where(and(inArray(predictions.id, ids), isNotNull(predictions.feedbackAt), isNull(predictions.feedbackBatchId)))
    .returning({ id: predictions.id });
  log.info(`${reviewer} ${decision.decision === "approve" ? "approved" : "rejected"} ${changed.length} feedback answer(s)`, {
    unchanged: ids.length - changed.length,
  });
  return { changed: changed.length, unchanged: ids.length - changed.length };
}
