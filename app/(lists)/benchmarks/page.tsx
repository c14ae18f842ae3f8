import type { Metadata } from "next";
import Link from "next/link";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import { EmptyState, PageHeader } from "@/components/page-header";
import { hrefWith, FilterForm, InvalidFilters, Pagination, SortableHead, singleValues } from "@/components/table-controls";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { benchmarkQuerySchema, listBenchmarks, type BenchmarkQuery } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime, formatPercent } from "@/lib/format";

export const metadata: Metadata = { title: "Benchmarks" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

const SORTABLE: Array<{ key: BenchmarkQuery["sort"]; label: string; numeric?: boolean }> = [
  { key: "model", label: "Model" },
  { key: "accuracy", label: "Accuracy", numeric: true },
  { key: "macro_f1", label: "Macro F1", numeric: true },
  { key: "macro_auc", label: "Macro AUC", numeric: true },
  { key: "log_loss", label: "Log loss", numeric: true },
  { key: "ece", label: "ECE", numeric: true },
  { key: "throughput", label: "Images/s", numeric: true },
  { key: "created", label: "Queued" },
];

export default async function BenchmarksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const parsed = benchmarkQuerySchema.safeParse(singleValues(await searchParams));
  if (!parsed.success) return <InvalidFilters title="Benchmarks" error={parsed.error} resetHref="/benchmarks" resetLabel="Show all benchmarks" />;
  const query = parsed.data;
  const page = await listBenchmarks(await getDb(), query);
  const filtered = Boolean(query.status || query.q || query.algorithm || query.model || query.tag);
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
          <div className="overflow-x-auto">
            <Table data-testid="benchmarks-table">
              <TableHeader>
                <TableRow>
                  <TableHead>#</TableHead>
                  <TableHead>Status</TableHead>
                  {SORTABLE.map((column) => (
                    <SortableHead key={column.key} base="/benchmarks" query={query} column={column.key} label={column.label} numeric={column.numeric} />
                  ))}
                  <TableHead>Dataset</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {page.rows.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell>
                      <Link href={`/benchmarks/${r.id}`} className="font-medium underline-offset-4 hover:underline">
                        {r.id}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <BenchmarkStatusBadge status={r.status} />
                    </TableCell>
                    <TableCell>
                      <Link href={`/benchmarks/${r.id}`} className="font-medium underline-offset-4 hover:underline">
                        {r.model}@{r.version}
                      </Link>{" "}
                      <Badge variant="outline">{r.algorithm}</Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{r.accuracy === null ? "—" : formatPercent(r.accuracy)}</TableCell>
                    <TableCell className="text-right tabular-nums">{r.macroF1?.toFixed(4) ?? "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{r.macroAuc?.toFixed(4) ?? "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{r.logLoss?.toFixed(4) ?? "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{r.ece?.toFixed(4) ?? "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{r.throughput === null ? "—" : formatCount(Math.round(r.throughput))}</TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(r.createdAt)}</TableCell>
                    <TableCell className="whitespace-nowrap">
                      {r.tag} <span className="font-mono text-xs text-muted-foreground">{r.datasetHash.slice(0, 8)}</span>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          <Pagination base="/benchmarks" query={query} page={page.page} pages={page.pages} total={page.total} noun="benchmark" />
        </>
      )}
    </>
  );
}
