CREATE TABLE "dataset_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"batch_id" integer NOT NULL,
	"source_key" text NOT NULL,
	"label" smallint NOT NULL,
	"official_split" text NOT NULL,
	"offline_split" text,
	"image_key" text NOT NULL,
	"image_index" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_sources" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_sources_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "dataset_tags" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"query" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dataset_tags_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "dataset_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"tag_id" integer NOT NULL,
	"content_hash" text NOT NULL,
	"protocol" text NOT NULL,
	"record_count" integer NOT NULL,
	"class_counts" jsonb NOT NULL,
	"snapshot_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"source_id" integer NOT NULL,
	"files" jsonb NOT NULL,
	"record_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone DEFAULT now() NOT NULL,
	"level" text NOT NULL,
	"component" text NOT NULL,
	"message" text NOT NULL,
	"context" jsonb
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" integer NOT NULL,
	"version" integer NOT NULL,
	"algorithm" text NOT NULL,
	"author" text NOT NULL,
	"dataset_tag" text NOT NULL,
	"training_data_version_id" integer,
	"hyperparameters" jsonb NOT NULL,
	"manifest" jsonb NOT NULL,
	"artifact_key" text NOT NULL,
	"weights_sha256" text NOT NULL,
	"backend" text,
	"code_version" text,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "training_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"hyperparameters" jsonb NOT NULL,
	"train_version_id" integer,
	"eval_version_id" integer,
	"backend" text,
	"progress" jsonb,
	"holdout_accuracy" double precision,
	"train_seconds" double precision,
	"model_version_id" integer,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dataset_records" ADD CONSTRAINT "dataset_records_source_id_dataset_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."dataset_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_records" ADD CONSTRAINT "dataset_records_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_tag_id_dataset_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."dataset_tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_source_id_dataset_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."dataset_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_training_data_version_id_dataset_versions_id_fk" FOREIGN KEY ("training_data_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_train_version_id_dataset_versions_id_fk" FOREIGN KEY ("train_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_eval_version_id_dataset_versions_id_fk" FOREIGN KEY ("eval_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_records_source_key" ON "dataset_records" USING btree ("source_id","source_key");--> statement-breakpoint
CREATE INDEX "dataset_records_split" ON "dataset_records" USING btree ("source_id","official_split","offline_split");--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_versions_tag_hash" ON "dataset_versions" USING btree ("tag_id","content_hash");--> statement-breakpoint
CREATE INDEX "logs_ts" ON "logs" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "logs_level_ts" ON "logs" USING btree ("level","ts");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_model_version" ON "model_versions" USING btree ("model_id","version");--> statement-breakpoint
CREATE INDEX "training_runs_created" ON "training_runs" USING btree ("created_at");