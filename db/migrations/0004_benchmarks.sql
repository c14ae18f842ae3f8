CREATE TABLE "benchmarks" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_version_id" integer NOT NULL,
	"dataset_version_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"trigger" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"heartbeat_at" timestamp with time zone,
	"error" text,
	"accuracy" double precision,
	"balanced_accuracy" double precision,
	"macro_f1" double precision,
	"log_loss" double precision,
	"macro_auc" double precision,
	"ece" double precision,
	"sample_count" integer,
	"wall_ms" double precision,
	"throughput" double precision,
	"info" jsonb,
	"metrics" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "model_explanations" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_version_id" integer NOT NULL,
	"benchmark_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"heartbeat_at" timestamp with time zone,
	"error" text,
	"methods" jsonb,
	"seconds" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "model_explanations_model_version_id_unique" UNIQUE("model_version_id")
);
--> statement-breakpoint
ALTER TABLE "benchmarks" ADD CONSTRAINT "benchmarks_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "benchmarks" ADD CONSTRAINT "benchmarks_dataset_version_id_dataset_versions_id_fk" FOREIGN KEY ("dataset_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_explanations" ADD CONSTRAINT "model_explanations_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_explanations" ADD CONSTRAINT "model_explanations_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "benchmarks_model_dataset" ON "benchmarks" USING btree ("model_version_id","dataset_version_id");--> statement-breakpoint
CREATE INDEX "benchmarks_status_run_after" ON "benchmarks" USING btree ("status","run_after");--> statement-breakpoint
CREATE INDEX "benchmarks_dataset_version" ON "benchmarks" USING btree ("dataset_version_id");--> statement-breakpoint
CREATE INDEX "benchmarks_created" ON "benchmarks" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "model_explanations_status" ON "model_explanations" USING btree ("status","run_after");--> statement-breakpoint
-- A model follows (is benchmarked on) its dataset tag. Pipeline models used to name their
-- training tag there, which would benchmark them on their own training data; the tag they
-- are evaluated on is the holdout.
UPDATE "model_versions" SET "dataset_tag" = 'kmnist-holdout' WHERE "dataset_tag" = 'kmnist-train' AND "manifest" -> 'trainingData' ->> 'tag' = 'kmnist-train';
