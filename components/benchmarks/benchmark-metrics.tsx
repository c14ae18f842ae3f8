import { ConfusionMatrix } from "@/components/benchmarks/confusion-matrix";
import { ReliabilityChart } from "@/components/charts/reliability-chart";
import { PrecisionRecallChart, RocChart } from "@/components/charts/roc-chart";
import { SmallSampleBadge } from "@/components/metrics/estimate";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { estimateOf, isSmallSample, type BenchmarkRow } from "@/lib/benchmark";
import { formatCount, formatFigure, formatSampleSize, formatSpread } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { wilsonInterval, type Interval, type StoredMetrics } from "@/lib/metrics";

export function Figure({ label, value, spread, testId, note }: { label: string; value: string; spread?: string; testId?: string; note?: React.ReactNode }) {
  return (
    <div className="rounded-lg border p-3">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className="mt-1 tabular-nums" data-testid={testId}>
        <span className="text-lg font-semibold">{value}</span> {spread && <span className="text-sm whitespace-nowrap text-muted-foreground">{spread}</span>}
      </div>
      {note && <div className="mt-0.5 text-xs text-muted-foreground">{note}</div>}
    </div>
  );
}

const number = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? "—" : v.toFixed(digits));

type Headline = Pick<BenchmarkRow, "id" | "accuracy" | "balancedAccuracy" | "macroF1" | "logLoss" | "ece" | "sampleCount" | "intervals">;

/** A per-class proportion (precision: of the predicted; recall: of the true) with its Wilson half-width beneath. */
function ProportionCell({ value, successes, n }: { value: number; successes: number | undefined; n: number | undefined }) {
  if (successes === undefined || !n) return <>{number(value, 3)}</>;
  const { low, high } = wilsonInterval(successes, n);
  return (
    <span className="inline-flex flex-col items-end" title={`95 % Wilson interval ${low.toFixed(3)}-${high.toFixed(3)} over ${n} images`}>
      {number(value, 3)}
      <span className="text-[10px] text-muted-foreground">±{((high - low) / 2).toFixed(3)}</span>
    </span>
  );
}

/** A figure and its 95 % interval as Figure's props, or a dash. */
function withInterval(value: number | null | undefined, interval: Interval | null | undefined, kind: "percent" | "score") {
  return value === null || value === undefined ? { value: "—" } : { value: formatFigure(value, kind), spread: formatSpread(value, interval, kind) };
}

/** A finished benchmark's headline figures (with n and 95 % intervals) and charts: ROC, PR, confusion matrix, per-class table, reliability. */
export function BenchmarkMetrics({ detail }: { detail: Headline & { metrics: StoredMetrics | null } }) {
  const metrics = detail.metrics ?? {};
  const intervals = detail.intervals;
  const accuracy = estimateOf(detail);
  const n = detail.sampleCount;
  const bootstrapNote = intervals
    ? `95 % bootstrap, ${formatCount(intervals.bootstrap.resamples)} resamples`
    : "no interval stored (benchmarked before intervals)";
  return (
    <>
      <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="benchmark-sample">
        <span>
          {n === null ? "—" : formatSampleSize(n)} images; intervals are 95 %: Wilson for accuracy, a seeded stratified bootstrap
          {intervals ? ` (seed ${intervals.bootstrap.seed}, ${formatCount(intervals.bootstrap.resamples)} resamples)` : ""} for the others.
        </span>
        {n !== null && isSmallSample(n) && <SmallSampleBadge n={n} />}
      </div>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Accuracy" {...withInterval(accuracy?.value, accuracy?.interval, "percent")} testId="benchmark-accuracy" note="95 % Wilson" />
        <Figure label="Balanced accuracy" {...withInterval(detail.balancedAccuracy, intervals?.balancedAccuracy, "percent")} note={bootstrapNote} />
        <Figure label="Top-3 accuracy" {...withInterval(metrics.top_3_accuracy, intervals?.top3Accuracy, "percent")} note="95 % Wilson" />
        <Figure label="Macro F1" {...withInterval(detail.macroF1, intervals?.macroF1, "score")} note={bootstrapNote} />
        <Figure label="Log loss" {...withInterval(detail.logLoss, intervals?.logLoss, "score")} note={bootstrapNote} />
        <Figure label="ECE" value={number(detail.ece)} />
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        {metrics.roc_auc && (
          <Card>
            <CardHeader>
              <CardTitle>One-vs-rest ROC</CardTitle>
              <CardDescription>
                True- against false-positive rate per class. Macro AUC {number(metrics.roc_auc.macroAuc)}, micro AUC {number(metrics.roc_auc.microAuc)}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <RocChart series={metrics.roc_auc.perClass.map((c, i) => ({ name: KMNIST_CLASSES[i].char, auc: c.auc, points: c.curve }))} />
            </CardContent>
          </Card>
        )}
        {metrics.precision_recall && (
          <Card>
            <CardHeader>
              <CardTitle>One-vs-rest precision-recall</CardTitle>
              <CardDescription>Precision against recall per class, average precision (AP) in the legend.</CardDescription>
            </CardHeader>
            <CardContent>
              <PrecisionRecallChart
                series={metrics.precision_recall.map((c, i) => ({ name: KMNIST_CLASSES[i].char, area: c.averagePrecision, points: c.curve }))}
              />
            </CardContent>
          </Card>
        )}
        {metrics.confusion_matrix && (
          <Card>
            <CardHeader>
              <CardTitle>Confusion matrix</CardTitle>
              <CardDescription>Rows are the true class, columns the prediction. Click a cell to see its images as the model saw them.</CardDescription>
            </CardHeader>
            <CardContent>
              <ConfusionMatrix counts={metrics.confusion_matrix} cellLink={`/benchmarks/${detail.id}/cell`} />
            </CardContent>
          </Card>
        )}
        {metrics.per_class && (
          <Card>
            <CardHeader>
              <CardTitle>Per class</CardTitle>
              <CardDescription>
                Macro F1 {number(metrics.per_class.macro.f1)}, weighted F1 {number(metrics.per_class.weighted.f1)}. Precision and recall with their 95 % Wilson
                half-widths (over the images predicted as, and the images of, each class).
              </CardDescription>
            </CardHeader>
            <CardContent>
              <Table data-testid="per-class-table">
                <TableHeader>
                  <TableRow>
                    <TableHead>Class</TableHead>
                    <TableHead className="text-right">Precision</TableHead>
                    <TableHead className="text-right">Recall</TableHead>
                    <TableHead className="text-right">F1</TableHead>
                    <TableHead className="text-right">AUC</TableHead>
                    <TableHead className="text-right">Support</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {metrics.per_class.perClass.map((c, i) => {
                    const matrix = metrics.confusion_matrix;
                    const tp = matrix?.[i]?.[i];
                    const predicted = matrix?.reduce((sum, row) => sum + (row[i] ?? 0), 0);
                    return (
                      <TableRow key={i}>
                        <TableCell className="text-lg">{KMNIST_CLASSES[i].char}</TableCell>
                        <TableCell className="text-right tabular-nums">
                          <ProportionCell value={c.precision} successes={tp} n={predicted} />
                        </TableCell>
                        <TableCell className="text-right tabular-nums">
                          <ProportionCell value={c.recall} successes={tp} n={c.support} />
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{number(c.f1, 3)}</TableCell>
                        <TableCell className="text-right tabular-nums">{number(metrics.roc_auc?.perClass[i]?.auc, 3)}</TableCell>
                        <TableCell className="text-right tabular-nums">{c.support}</TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        )}
        {metrics.calibration && (
          <Card>
            <CardHeader>
              <CardTitle>Calibration</CardTitle>
              <CardDescription>
                Expected calibration error {number(metrics.calibration.ece)} over {metrics.calibration.bins.length} bins.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <ReliabilityChart bins={metrics.calibration.bins} />
            </CardContent>
          </Card>
        )}
      </div>
    </>
  );
}
