ALTER TABLE "pipeline_runs" ADD COLUMN "source_comparisons" jsonb;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "trigger_detail" jsonb;