ALTER TABLE "jobs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "locked_by" text;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "locked_by" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;