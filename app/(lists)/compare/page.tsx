import type { Metadata } from "next";
import Link from "next/link";
import { ConfusionMatrix } from "@/components/benchmarks/confusion-matrix";
import { ClassBars } from "@/components/charts/class-bars";
import { RocChart } from "@/components/charts/roc-chart";
import { SmallSampleBadge } from "@/components/metrics/estimate";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { compareModelVersions, estimateOf, isSmallSample, MAX_COMPARED, type BenchmarkDetail } from "@/lib/benchmark";
import { promotionMaxP } from "@/lib/config";
import { listTags } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatEstimate, formatPValue } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { METRIC_FIGURES, type Interval } from "@/lib/metrics";
import { modelVersionQuerySchema, searchModelVersions } from "@/lib/registry";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Compare" };
export const dynamic = "force-dynamic";

type Row = {
  label: string;
  value: (e: BenchmarkDetail) => number | null | undefined;
  format: (v: number, e: BenchmarkDetail) => string;
  higherIsBetter: boolean;
};

/** The stored 95 % interval of a registry figure, where the benchmark has one. */
const INTERVALS: Record<string, (e: BenchmarkDetail) => Interval | null | undefined> = {
  accuracy: (e) => estimateOf(e)?.interval,
  balanced_accuracy: (e) => e.intervals?.balancedAccuracy,
  top_3_accuracy: (e) => e.intervals?.top3Accuracy,
  macro_f1: (e) => e.intervals?.macroF1,
  macro_auc: (e) => e.intervals?.macroAuc,
  log_loss: (e) => e.intervals?.logLoss,
};

/** Every figure of the metric registry (with its interval), then the informational ones (speed). */
const ROWS: Row[] = [
  ...METRIC_FIGURES.map((figure) => ({
    label: figure.title,
    value: (e: BenchmarkDetail) => figure.of(e.metrics ?? {}),
    format: (v: number, e: BenchmarkDetail) => formatEstimate(v, INTERVALS[figure.id]?.(e), figure.kind === "proportion" ? "percent" : "score"),
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
  const labelOf = (benchmarkId: number) => label(comparison!.entries.find((e) => e.id === benchmarkId)!);
  // Nothing is crowned on a small sample: with too few images the "best" is noise.
  const crowned = comparison ? comparison.entries.filter((e) => !isSmallSample(e.sampleCount)) : [];
  const maxP = promotionMaxP();

  return (
    <>
      <PageHeader title="Compare" description={`Put two to ${MAX_COMPARED} model versions side by side, on the same dataset version where they share one.`} />
      <form action="/compare" className="mb-6 space-y-3 text-sm" data-testid="compare-picker">
        <div className="flex flex-wrap gap-2">
          {candidates.rows.map((v) => (
            <label key={v.id} className="flex items-center gap-2 rounded-md border px-2 py-1">
              <input type="checkbox" name="v" value={v.id} defaultChecked={ids?.includes(v.id)} />
              {v.name}@{v.version}
              <span className="text-muted-foreground">
                {v.headline ? `${formatEstimate(v.headline.accuracy.value, v.headline.accuracy.interval)} on ${v.datasetTag}` : "—"}
              </span>
            </label>
          ))}
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col gap-1">
            <span className="text-muted-foreground">Dataset tag</span>
            <select name="tag" defaultValue={comparison?.tag ?? tag ?? ""} className="h-9 rounded-md border bg-background px-2" data-testid="compare-tag">
              <option value="">their primary tag</option>
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
                <CardTitle>Metrics on {comparison.tag ?? "their newest benchmarks"}</CardTitle>
                <CardDescription>
                  With 95 % intervals. The best value of each row is highlighted
                  {crowned.length < comparison.entries.length ? "; small samples are never highlighted" : ""}.
                </CardDescription>
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
                      const present = comparison.entries.filter((e) => crowned.includes(e)).flatMap((e) => row.value(e) ?? []);
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
                              {v === null ? "—" : row.format(v, comparison.entries[i])}
                            </TableCell>
                          ))}
                        </TableRow>
                      );
                    })}
                    <TableRow>
                      <TableCell>Images (n)</TableCell>
                      {comparison.entries.map((e) => (
                        <TableCell key={e.id} className="text-right tabular-nums" data-testid="compare-n">
                          {e.sampleCount === null ? "—" : formatCount(e.sampleCount)}
                          {e.sampleCount !== null && isSmallSample(e.sampleCount) && (
                            <span className="ml-1">
                              <SmallSampleBadge n={e.sampleCount} />
                            </span>
                          )}
                        </TableCell>
                      ))}
                    </TableRow>
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
            {comparison.sameData && (
              <Card>
                <CardHeader>
                  <CardTitle>Are the differences real?</CardTitle>
                  <CardDescription>
                    Exact McNemar test of each pair on the same images: only the images one model gets right and the other wrong count. p &lt; {maxP} means the
                    difference in accuracy is unlikely to be chance.
                  </CardDescription>
                </CardHeader>
                <CardContent className="overflow-x-auto">
                  {comparison.pairs.length === 0 ? (
                    <p className="text-sm text-muted-foreground">
                      These benchmarks ran before per-image predictions were stored; run them again (from their benchmark pages) for the paired test.
                    </p>
                  ) : (
                    <Table data-testid="paired-tests">
                      <TableHeader>
                        <TableRow>
                          <TableHead>Pair</TableHead>
                          <TableHead className="text-right">Only the first right</TableHead>
                          <TableHead className="text-right">Only the second right</TableHead>
                          <TableHead className="text-right">Both right</TableHead>
                          <TableHead className="text-right">McNemar p</TableHead>
                          <TableHead>Verdict</TableHead>
                        </TableRow>
                      </TableHeader>
                      <TableBody>
                        {comparison.pairs.map(({ a, b, contingency: c }) => (
                          <TableRow key={`${a}-${b}`}>
                            <TableCell className="whitespace-nowrap">
                              {labelOf(a)} vs {labelOf(b)}
                            </TableCell>
                            <TableCell className="text-right tabular-nums">{formatCount(c.firstOnly)}</TableCell>
                            <TableCell className="text-right tabular-nums">{formatCount(c.secondOnly)}</TableCell>
                            <TableCell className="text-right tabular-nums">{formatCount(c.bothCorrect)}</TableCell>
                            <TableCell className="text-right tabular-nums" data-testid="mcnemar-p">
                              {formatPValue(c.pValue)}
                            </TableCell>
                            <TableCell>
                              {c.pValue < maxP ? (
                                <Badge variant="success">{c.firstOnly > c.secondOnly ? labelOf(a) : labelOf(b)} is better</Badge>
                              ) : (
                                <Badge variant="secondary">no significant difference</Badge>
                              )}
                            </TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  )}
                </CardContent>
              </Card>
            )}
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
