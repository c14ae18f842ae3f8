ALTER TABLE "dataset_tags" ADD COLUMN "archived" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "also_follows" text[] DEFAULT '{}'::text[] NOT NULL;