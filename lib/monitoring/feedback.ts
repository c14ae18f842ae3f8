import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { predictions } from "@/db/schema";
import { config } from "@/lib/config";
import { appendRecords, ensureSourceTags, FEEDBACK_SOURCE } from "@/lib/data";
import type { Db } from "@/lib/db";
import { sharedLimiter, type ClientLimits } from "@/lib/http";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { RateLimiter } from "@/lib/limits";
import { createLogger } from "@/lib/log";
import type { ObjectStore } from "@/lib/storage";
import type { FeedbackInput, FeedbackResult } from "./api";
import type { PredictionRecorder } from "./recorder";

const log = createLogger("monitoring.feedback");

/** Per client (FEEDBACK_RATE_LIMIT a minute, in bursts of up to 10): anonymous answers must not flood the labelled data. */
export const FEEDBACK_LIMITS: ClientLimits = {
  rate: sharedLimiter("feedback.rate", () => {
    const perMinute = config().feedbackPerMinute;
    return perMinute > 0 ? new RateLimiter({ perSecond: perMinute / 60, burst: Math.max(1, Math.min(10, Math.floor(perMinute))) }) : null;
  }),
};

export class FeedbackError extends Error {
  constructor(
    readonly status: 404 | 409,
    readonly code: "unknown_prediction" | "feedback_exists",
    message: string,
  ) {
    super(message);
    this.name = "FeedbackError";
  }
}

/** Who sent a verdict: decides, with FEEDBACK_AUTO_APPROVE, whether it waits for review. */
export interface FeedbackSender {
  signedIn: boolean;
  name?: string;
}

/** The review status a new verdict starts with under the FEEDBACK_AUTO_APPROVE rule. */
export function initialReview(sender: FeedbackSender, rule = config().feedbackAutoApprove): "pending" | "approved" {
  return rule === "all" || (rule === "signed-in" && sender.signedIn) ? "approved" : "pending";
}

/**
 * Stores a person's verdict on a logged prediction. Each prediction takes one verdict; it
 * waits in the review queue (unless the auto-approval rule approves it) and becomes a
 * labelled record of the feedback source at the first ingestion after its approval.
 */
export async function submitFeedback(
  db: Db,
  recorder: PredictionRecorder | null,
  input: FeedbackInput,
  sender: FeedbackSender = { signedIn: false },
): Promise<FeedbackResult> {
  // The prediction may still wait in the recorder's queue.
  await recorder?.flush();
  const [prediction] = await db
    .select({ predicted: predictions.predicted, feedbackKind: predictions.feedbackKind })
    .from(predictions)
    .where(eq(predictions.id, input.predictionId));
  if (!prediction)
    throw new FeedbackError(404, "unknown_prediction", "No recorded prediction has this id (it may not have been sampled, or it is past retention)");
  const label = input.noneOfThese ? null : input.correct ? prediction.predicted : input.label!;
  const kind = label === null ? "none" : label === prediction.predicted ? "confirmed" : "corrected";
  const review = initialReview(sender);
  const updated = await db
    .update(predictions)
    .set({
      feedbackLabel: label,
      feedbackKind: kind,
      feedbackAt: new Date(),
      reviewStatus: review,
      ...(review === "approved"
        ? { reviewedBy: `auto (${config().feedbackAutoApprove}${sender.name ? `: ${sender.name}` : ""})`, reviewedAt: new Date() }
        : {}),
    })
    .where(and(eq(predictions.id, input.predictionId), isNull(predictions.feedbackAt)))
    .returning({ id: predictions.id });
  if (updated.length === 0) throw new FeedbackError(409, "feedback_exists", "This prediction already has feedback");
  return { predictionId: input.predictionId, label, kind, predicted: prediction.predicted, review };
}

export interface IngestResult {
  records: number;
  batchId: number | null;
}

/**
 * Turns approved feedback not yet ingested into one import batch of the feedback source (so
 * tags over it get a new version). Pending and rejected feedback never becomes a record.
 * Serialised by an advisory lock: two ingestions never take the same feedback twice.
 */
export async function ingestFeedback(db: Db, store: ObjectStore, limit = 5000): Promise<IngestResult> {
  const ingested = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kana:feedback-ingest'))`);
    const pending = await tx
      .select({ id: predictions.id, input: predictions.input, label: predictions.feedbackLabel })
      .from(predictions)
      // "None of these" answers stay in the log as negatives: they have no label to learn.
      .where(
        and(
          isNotNull(predictions.feedbackAt),
          isNotNull(predictions.feedbackLabel),
          isNull(predictions.feedbackBatchId),
          eq(predictions.reviewStatus, "approved"),
        ),
      )
      .orderBy(asc(predictions.feedbackAt))
      .limit(limit);
    if (pending.length === 0) return { records: 0, batchId: null };
    const images = new Uint8Array(pending.length * IMAGE_PIXELS);
    pending.forEach((p, i) => images.set(p.input, i * IMAGE_PIXELS));
    const { batchId } = await appendRecords(tx as unknown as Db, store, {
      source: FEEDBACK_SOURCE,
      sourceDescription: "Characters drawn on the predict page, labelled by people's feedback",
      images,
      labels: Uint8Array.from(pending, (p) => p.label!),
    });
    // Reviewed feedback is training data: its train part joins the training tag, its holdout part is benchmarked.
    await ensureSourceTags(tx as unknown as Db, FEEDBACK_SOURCE);
    await tx
      .update(predictions)
      .set({ feedbackBatchId: batchId })
      .where(
        inArray(
          predictions.id,
          pending.map((p) => p.id),
        ),
      );
    return { records: pending.length, batchId };
  });
  if (ingested.records) log.info(`ingested ${ingested.records} feedback record(s)`, { batchId: ingested.batchId });
  return ingested;
}
