CREATE TABLE "benchmark_predictions" (
	"benchmark_id" integer PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"labels" "bytea" NOT NULL,
	"top_classes" "bytea" NOT NULL,
	"top_probabilities" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "benchmarks" ADD COLUMN "intervals" jsonb;--> statement-breakpoint
ALTER TABLE "pipeline_runs" ADD COLUMN "comparison" jsonb;--> statement-breakpoint
ALTER TABLE "benchmark_predictions" ADD CONSTRAINT "benchmark_predictions_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;