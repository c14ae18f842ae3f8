CREATE TABLE "pipeline_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"actor" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"train_version_id" integer,
	"holdout_version_id" integer,
	"candidates" jsonb,
	"champion_before_id" integer,
	"champion_before_accuracy" double precision,
	"champion_after_id" integer,
	"decision" text,
	"reason" text,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_train_version_id_dataset_versions_id_fk" FOREIGN KEY ("train_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_holdout_version_id_dataset_versions_id_fk" FOREIGN KEY ("holdout_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_champion_before_id_model_versions_id_fk" FOREIGN KEY ("champion_before_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD CONSTRAINT "pipeline_runs_champion_after_id_model_versions_id_fk" FOREIGN KEY ("champion_after_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pipeline_runs_started" ON "pipeline_runs" USING btree ("started_at");