CREATE TABLE "drift_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"model_version_id" integer NOT NULL,
	"reference_version_id" integer NOT NULL,
	"sample_count" integer NOT NULL,
	"max_psi" double precision NOT NULL,
	"pairwise_distance" double precision NOT NULL,
	"level" text NOT NULL,
	"features" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "predictions" (
	"id" text PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"model_version_id" integer NOT NULL,
	"input" "bytea" NOT NULL,
	"probabilities" jsonb NOT NULL,
	"predicted" smallint NOT NULL,
	"confidence" double precision NOT NULL,
	"latency_ms" double precision NOT NULL,
	"feedback_label" smallint,
	"feedback_kind" text,
	"feedback_at" timestamp with time zone,
	"feedback_batch_id" integer
);
--> statement-breakpoint
ALTER TABLE "dataset_tags" ADD COLUMN "followed_by_all" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_reference_version_id_dataset_versions_id_fk" FOREIGN KEY ("reference_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_feedback_batch_id_import_batches_id_fk" FOREIGN KEY ("feedback_batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drift_reports_window_end" ON "drift_reports" USING btree ("window_end");--> statement-breakpoint
CREATE INDEX "predictions_ts" ON "predictions" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "predictions_feedback_pending" ON "predictions" USING btree ("feedback_at","feedback_batch_id");