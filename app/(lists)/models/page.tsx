import type { Metadata } from "next";
import Link from "next/link";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, InvalidFilters, Pagination, SortableHead, singleValues } from "@/components/table-controls";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { formatDateTime, formatPercent } from "@/lib/format";
import { modelVersionQuerySchema, searchModelVersions, type ModelVersionQuery } from "@/lib/registry";

export const metadata: Metadata = { title: "Models" };
export const dynamic = "force-dynamic";

const SORTABLE: Array<{ key: ModelVersionQuery["sort"]; label: string; numeric?: boolean }> = [
  { key: "name", label: "Model" },
  { key: "algorithm", label: "Algorithm" },
  { key: "author", label: "Author" },
  { key: "tag", label: "Dataset tag" },
  { key: "accuracy", label: "Best accuracy", numeric: true },
  { key: "created", label: "Created" },
];

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
        description="Every registered model version, with the best accuracy its benchmarks measured and where its benchmarks and explanations stand."
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
          <div className="overflow-x-auto">
            <Table data-testid="models-table">
              <TableHeader>
                <TableRow>
                  {SORTABLE.map((column) => (
                    <SortableHead key={column.key} base="/models" query={query} column={column.key} label={column.label} numeric={column.numeric} />
                  ))}
                  <TableHead>Benchmark</TableHead>
                  <TableHead>Explanation</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.rows.map((v) => (
                  <TableRow key={v.id}>
                    <TableCell className="font-medium">
                      <Link href={`/models/${v.id}`} className="underline-offset-4 hover:underline">
                        {v.name}@{v.version}
                      </Link>{" "}
                      {v.aliases.map((alias) => (
                        <Badge key={alias} className="ml-1">
                          {alias}
                        </Badge>
                      ))}
                      {v.archived && (
                        <Badge variant="warning" className="ml-1">
                          archived
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell>
                      <Badge variant="secondary">{v.algorithm}</Badge>
                    </TableCell>
                    <TableCell>{v.author}</TableCell>
                    <TableCell>{v.datasetTag}</TableCell>
                    <TableCell className="text-right tabular-nums">{v.bestAccuracy === null ? "—" : formatPercent(v.bestAccuracy)}</TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(v.createdAt)}</TableCell>
                    <TableCell>{v.benchmarkStatus ? <BenchmarkStatusBadge status={v.benchmarkStatus} /> : <span className="text-muted-foreground">none yet</span>}</TableCell>
                    <TableCell>{v.explanationStatus ? <BenchmarkStatusBadge status={v.explanationStatus} /> : <span className="text-muted-foreground">—</span>}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pagination base="/models" query={query} page={page.page} pages={page.pages} total={page.total} noun="model version" />
        </>
      )}
    </>
  );
}
