CREATE TABLE "dataset_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"format" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"upload_keys" jsonb NOT NULL,
	"bytes" integer NOT NULL,
	"progress" jsonb,
	"report" jsonb,
	"error" text,
	"batch_id" integer,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "dataset_records" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "dataset_imports" ADD CONSTRAINT "dataset_imports_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dataset_records_content_hash" ON "dataset_records" USING btree ("content_hash");--> statement-breakpoint
-- Records of sources other than KMNIST (feedback so far) get their hash split, as
-- lib/data/labelled-batch.ts splitOf computes it: sha256("<source>/<sourceKey>"), first 4 bytes mod 100 < 20 → holdout.
UPDATE "dataset_records" AS r SET "offline_split" = CASE
  WHEN ('x' || substr(encode(sha256(convert_to(s."name" || '/' || r."source_key", 'UTF8')), 'hex'), 1, 8))::bit(32)::bigint % 100 < 20 THEN 'holdout'
  ELSE 'train' END
FROM "dataset_sources" AS s
WHERE s."id" = r."source_id" AND s."name" <> 'kmnist' AND r."offline_split" IS NULL;
