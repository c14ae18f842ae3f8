import type { Metadata } from "next";
import Link from "next/link";
import { ConfusionMatrix } from "@/components/benchmarks/confusion-matrix";
import { ClassBars } from "@/components/charts/class-bars";
import { RocChart } from "@/components/charts/roc-chart";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { compareModelVersions, MAX_COMPARED, type BenchmarkDetail } from "@/lib/benchmark";
import { listTags } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatPercent } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { METRIC_FIGURES } from "@/lib/metrics";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Compare" };
export const dynamic = "force-dynamic";

type Row = { label: string; value: (e: BenchmarkDetail) => number | null | undefined; format: (v: number) => string; higherIsBetter: boolean };

/** Every figure of the metric registry, then the informational ones (speed). */
const ROWS: Row[] = [
  ...METRIC_FIGURES.map((figure) => ({
    label: figure.title,
    value: (e: BenchmarkDetail) => figure.of(e.metrics ?? {}),
    format: figure.kind === "proportion" ? (v: number) => formatPercent(v) : (v: number) => v.toFixed(4),
    higherIsBetter: figure.higherIsBetter,
  })),
  { label: "Throughput (img/s)", value: (e) => e.throughput, format: (v) => Math.round(v).toLocaleString("en-US"), higherIsBetter: true },
  // Trees answer in microseconds: two significant digits below a millisecond.
  { label: "Latency p50 (ms)", value: (e) => e.info?.latencyMs.p50, format: (v) => (v >= 1 ? v.toFixed(2) : v.toPrecision(2)), higherIsBetter: false },
];

/** Model version ids from `?v=1&v=2` or `?v=1,2`; null when any is not an id. */
function selectedIds(raw: string | string[] | undefined): number[] | null {
  const parts = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((v) => v.split(",")).filter(Boolean);
  const ids = parts.map(rowIdOrNull);
  return ids.every((id): id is number => id !== null) ? [...new Set(ids)] : null;
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const ids = selectedIds(params.v);
  const tag = typeof params.tag === "string" && params.tag ? params.tag.slice(0, 100) : undefined;
  const db = await getDb();
  const [candidates, tags] = await Promise.all([searchModelVersions(db, modelVersionQuerySchema.parse({ sort: "accuracy", pageSize: 50 })), listTags(db)]);
  const comparison = ids && ids.length >= 2 && ids.length <= MAX_COMPARED ? await compareModelVersions(db, ids, tag) : null;
  const label = (e: BenchmarkDetail) => `${e.model}@${e.version}`;

  return (
    <>
      <PageHeader title="Compare" description={`Put two to ${MAX_COMPARED} model versions side by side, on the same dataset version where they share one.`} />
      <form action="/compare" className="mb-6 space-y-3 text-sm" data-testid="compare-picker">
        <div className="flex flex-wrap gap-2">
          {candidates.rows.map((v) => (
            <label key={v.id} className="flex items-center gap-2 rounded-md border px-2 py-1">
              <input type="checkbox" name="v" value={v.id} defaultChecked={ids?.includes(v.id)} />
              {v.name}@{v.version}
              <span className="text-muted-foreground">{v.bestAccuracy === null ? "—" : formatPercent(v.bestAccuracy)}</span>
            </label>
          ))}
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col gap-1">
            <span className="text-muted-foreground">Dataset tag</span>
            <select name="tag" defaultValue={tag ?? ""} className="h-9 rounded-md border bg-background px-2">
              <option value="">any</option>
              {tags.map((t) => (
                <option key={t.name}>{t.name}</option>
              ))}
            </select>
          </label>
          <Button type="submit" size="sm">
            Compare
          </Button>
        </div>
      </form>

      {ids === null ? (
        <EmptyState title="These model versions are not valid">Model versions are chosen by their numeric ids; pick them above.</EmptyState>
      ) : ids.length < 2 || ids.length > MAX_COMPARED ? (
        <EmptyState title={`Pick two to ${MAX_COMPARED} model versions`}>
          {ids.length > MAX_COMPARED ? `${ids.length} were chosen. ` : ""}Tick them above and press Compare.
        </EmptyState>
      ) : comparison && comparison.entries.length < 2 ? (
        <EmptyState title="Not enough finished benchmarks">At least two of the chosen versions need a finished benchmark{tag ? ` on ${tag}` : ""}.</EmptyState>
      ) : (
        comparison && (
          <div className="space-y-6">
            {!comparison.sameData && (
              <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                These versions share no dataset version: each is shown on its newest benchmark, so the figures are not measured on the same data.
              </p>
            )}
            {comparison.missing.length > 0 && (
              <p className="text-sm text-muted-foreground">
                Without a finished benchmark{tag ? ` on ${tag}` : ""}, left out: model version(s) {comparison.missing.join(", ")}.
              </p>
            )}
            <Card>
              <CardHeader>
                <CardTitle>Metrics</CardTitle>
                <CardDescription>The best value of each row is highlighted.</CardDescription>
              </CardHeader>
              <CardContent className="overflow-x-auto">
                <Table data-testid="compare-table">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Metric</TableHead>
                      {comparison.entries.map((e) => (
                        <TableHead key={e.id} className="text-right">
                          <Link href={`/models/${e.modelVersionId}`} className="underline-offset-4 hover:underline">
                            {label(e)}
                          </Link>
                        </TableHead>
                      ))}
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {ROWS.map((row) => {
                      const values = comparison.entries.map((e) => row.value(e) ?? null);
                      const present = values.filter((v): v is number => v !== null);
                      const best = present.length ? (row.higherIsBetter ? Math.max(...present) : Math.min(...present)) : null;
                      return (
                        <TableRow key={row.label}>
                          <TableCell>{row.label}</TableCell>
                          {values.map((v, i) => (
                            <TableCell
                              key={comparison.entries[i].id}
                              className={cn(
                                "text-right tabular-nums",
                                v !== null && v === best && "bg-emerald-50 font-semibold text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
                              )}
                              data-best={v !== null && v === best ? "true" : undefined}
                            >
                              {v === null ? "—" : row.format(v)}
                            </TableCell>
                          ))}
                        </TableRow>
                      );
                    })}
                    <TableRow>
                      <TableCell>Dataset version</TableCell>
                      {comparison.entries.map((e) => (
                        <TableCell key={e.id} className="text-right font-mono text-xs">
                          <Link href={`/datasets/${encodeURIComponent(e.tag)}`} className="underline-offset-4 hover:underline">
                            {e.tag} {e.datasetHash.slice(0, 8)}
                          </Link>
                        </TableCell>
                      ))}
                    </TableRow>
                  </TableBody>
                </Table>
              </CardContent>
            </Card>
            <div className="grid gap-6 lg:grid-cols-2">
              <Card>
                <CardHeader>
                  <CardTitle>ROC, micro-averaged</CardTitle>
                  <CardDescription>All classes pooled, one curve per model.</CardDescription>
                </CardHeader>
                <CardContent>
                  <RocChart
                    series={comparison.entries.map((e) => {
                      const roc = e.metrics?.roc_auc;
                      return { name: label(e), auc: roc?.microAuc ?? null, points: roc?.micro ?? [] };
                    })}
                  />
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>F1 per class</CardTitle>
                </CardHeader>
                <CardContent>
                  <ClassBars
                    classes={KMNIST_CLASSES.map((c) => c.char)}
                    series={comparison.entries.map((e) => ({ name: label(e), values: e.metrics?.per_class?.perClass.map((c) => c.f1) ?? [] }))}
                  />
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>
                    Confusion difference: {label(comparison.entries[1])} − {label(comparison.entries[0])}
                  </CardTitle>
                  <CardDescription>Green where the second model does better (more right on the diagonal, fewer confusions off it).</CardDescription>
                </CardHeader>
                <CardContent>
                  <ConfusionMatrix
                    counts={comparison.entries[1].metrics?.confusion_matrix ?? []}
                    baseline={comparison.entries[0].metrics?.confusion_matrix ?? []}
                  />
                </CardContent>
              </Card>
            </div>
          </div>
        )
      )}
    </>
  );
}
