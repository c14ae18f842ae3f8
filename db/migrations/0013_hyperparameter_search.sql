CREATE TABLE "hyperparameter_searches" (
	"id" serial PRIMARY KEY NOT NULL,
	"pipeline_run_id" integer NOT NULL,
	"algorithm" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"budget_seconds" integer NOT NULL,
	"strategy" jsonb NOT NULL,
	"seed" integer NOT NULL,
	"train_version_id" integer,
	"validation_count" integer,
	"best_training_run_id" integer,
	"model_version_id" integer,
	"spent_seconds" double precision DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "search_id" integer;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "search_trial" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "rung" integer;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "validation_accuracy" double precision;--> statement-breakpoint
ALTER TABLE "hyperparameter_searches" ADD CONSTRAINT "hyperparameter_searches_train_version_id_dataset_versions_id_fk" FOREIGN KEY ("train_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hyperparameter_searches" ADD CONSTRAINT "hyperparameter_searches_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hyperparameter_searches_pipeline" ON "hyperparameter_searches" USING btree ("pipeline_run_id","algorithm");--> statement-breakpoint
CREATE INDEX "hyperparameter_searches_started" ON "hyperparameter_searches" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "training_runs_search" ON "training_runs" USING btree ("search_id");