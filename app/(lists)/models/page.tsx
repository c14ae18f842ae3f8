import type { Metadata } from "next";
import { DataTable } from "@/components/data-table";
import { modelColumns } from "@/components/models/model-columns";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, InvalidFilters, Pagination, singleValues } from "@/components/table-controls";
import { getDb } from "@/lib/db";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";

export const metadata: Metadata = { title: "Models" };
export const dynamic = "force-dynamic";

export default async function ModelsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const parsed = modelVersionQuerySchema.safeParse(singleValues(await searchParams));
  if (!parsed.success) return <InvalidFilters title="Models" error={parsed.error} resetHref="/models" resetLabel="Show all models" />;
  const query = parsed.data;
  const page = await searchModelVersions(await getDb(), query);
  const filtered = Boolean(query.q || query.algorithm || query.tag || query.author || query.archived !== "exclude");
  return (
    <>
      <PageHeader
        title="Models"
        description="Every registered model version, with its accuracy on the newest version of its primary tag (the one its manifest names; n and 95 % interval) and where its benchmarks and explanations stand."
      />
      <FilterForm action="/models" sort={query.sort} order={query.order} filtered={filtered}>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Search</span>
          <input name="q" defaultValue={query.q} placeholder="name, author, algorithm, tag" className="h-9 rounded-md border bg-background px-3" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Algorithm</span>
          <input name="algorithm" defaultValue={query.algorithm} placeholder="cnn" className="h-9 w-24 rounded-md border bg-background px-3" />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-muted-foreground">Archived</span>
          <select name="archived" defaultValue={query.archived} className="h-9 rounded-md border bg-background px-2">
            <option value="exclude">hidden</option>
            <option value="include">shown</option>
            <option value="only">only</option>
          </select>
        </label>
      </FilterForm>
      {page.total === 0 ? (
        <EmptyState title={filtered ? "No model matches these filters" : "No models registered yet"}>
          {filtered ? (
            "Try other filters, or clear them."
          ) : (
            <>
              Run <code className="rounded bg-muted px-1">npm run train -- --algorithm cnn</code>, or start the app, which trains one model of each family on
              first start.
            </>
          )}
        </EmptyState>
      ) : (
        <>
          <DataTable
            rows={page.rows}
            rowKey={(v) => v.id}
            columns={modelColumns("name", "algorithm", "author", "tag", "accuracy", "created", "benchmark", "explanation")}
            sorting={{ base: "/models", query }}
            testId="models-table"
          />
          <Pagination base="/models" query={query} page={page.page} pages={page.pages} total={page.total} noun="model version" />
        </>
      )}
    </>
  );
}
