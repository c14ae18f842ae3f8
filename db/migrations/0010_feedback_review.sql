ALTER TABLE "predictions" ADD COLUMN "review_status" text;--> statement-breakpoint
ALTER TABLE "predictions" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "predictions" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "predictions_review" ON "predictions" USING btree ("review_status","feedback_at");--> statement-breakpoint
-- Feedback from before the review queue: what was already ingested counts as approved, the rest waits for review.
UPDATE "predictions" SET "review_status" = CASE WHEN "feedback_batch_id" IS NOT NULL THEN 'approved' ELSE 'pending' END
WHERE "feedback_at" IS NOT NULL AND "review_status" IS NULL;
