import type { Metadata } from "next";
import Link from "next/link";
import { benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { DataTable } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, hrefWith, InvalidFilters, Pagination, singleValues } from "@/components/table-controls";
import { Button } from "@/components/ui/button";
import { benchmarkQuerySchema, listBenchmarks } from "@/lib/benchmark";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Benchmarks" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function BenchmarksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = benchmarkQuerySchema.safeParse(singleValues(await searchParams));
  if (!parsed.success) return <InvalidFilters title="Benchmarks" error={parsed.error} resetHref="/benchmarks" resetLabel="Show all benchmarks" />;
  const query = parsed.data;
  const page = await listBenchmarks(await getDb(), query);
  const filtered = Boolean(query.status || query.q || query.algorithm || query.model || query.tag || query.datasetVersionId || query.modelVersionId);
  return (
    <>
      <PageHeader
        title="Benchmarks"
        description="Every model version evaluated on the current version of the dataset tag it follows: on registration, and again whenever that tag gets a new version."
      >
        <Button asChild variant="outline" size="sm">
          <a href={hrefWith("/api/benchmarks", query, { page: undefined, pageSize: undefined, format: "csv" })} download>
            Export CSV
          </a>
        </Button>
      </PageHeader>

      {(query.datasetVersionId || query.modelVersionId) && (
        <p className="mb-3 text-sm text-muted-foreground" data-testid="lineage-filter">
          Only benchmarks of {query.datasetVersionId ? `dataset version ${query.datasetVersionId}` : ""}
          {query.datasetVersionId && query.modelVersionId ? " and " : ""}
          {query.modelVersionId ? `model version ${query.modelVersionId}` : ""} (
          <Link href="/benchmarks" className="underline underline-offset-4">
            show all
          </Link>
          ).
        </p>
      )}
      <FilterForm action="/benchmarks" sort={query.sort} order={query.order} filtered={filtered}>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Search</span>
          <input name="q" defaultValue={query.q} placeholder="model, author, algorithm, tag" className="h-9 rounded-md border bg-background px-3" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Status</span>
          <select name="status" defaultValue={query.status ?? ""} className="h-9 rounded-md border bg-background px-2">
            <option value="">any</option>
            {["done", "running", "pending", "failed"].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Algorithm</span>
          <input name="algorithm" defaultValue={query.algorithm} placeholder="cnn" className="h-9 w-24 rounded-md border bg-background px-3" />
        </label>
      </FilterForm>

      {page.total === 0 ? (
        <EmptyState title={filtered ? "No benchmark matches these filters" : "No benchmarks yet"}>
          {filtered
            ? "Try other filters, or clear them."
            : "Models are benchmarked as soon as they are registered: train one (npm run train) or start the app, and the benchmark engine picks it up within a minute."}
        </EmptyState>
      ) : (
        <>
          <DataTable
            rows={page.rows}
            rowKey={(r) => r.id}
            columns={benchmarkColumns(
              "id",
              "status",
              "modelToBenchmark",
              "accuracy",
              "macroF1",
              "macroAuc",
              "logLoss",
              "ece",
              "throughput",
              "created",
              "dataset",
            )}
            sorting={{ base: "/benchmarks", query }}
            testId="benchmarks-table"
          />
          <Pagination base="/benchmarks" query={query} page={page.page} pages={page.pages} total={page.total} noun="benchmark" />
        </>
      )}
    </>
  );
}
