import { ConfusionMatrix } from "@/components/benchmarks/confusion-matrix";
import { ReliabilityChart } from "@/components/charts/reliability-chart";
import { RocChart } from "@/components/charts/roc-chart";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { BenchmarkRow } from "@/lib/benchmark";
import { formatPercent } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import type { StoredMetrics } from "@/lib/metrics";

export function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg border p-3">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

const number = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? "—" : v.toFixed(digits));

type Headline = Pick<BenchmarkRow, "accuracy" | "balancedAccuracy" | "macroF1" | "logLoss" | "ece">;

/** A finished benchmark's headline figures and charts: ROC, confusion matrix, per-class table, reliability. */
export function BenchmarkMetrics({ detail }: { detail: Headline & { metrics: StoredMetrics | null } }) {
  const metrics = detail.metrics ?? {};
  return (
    <>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Accuracy" value={detail.accuracy === null ? "—" : formatPercent(detail.accuracy)} testId="benchmark-accuracy" />
        <Figure label="Balanced accuracy" value={detail.balancedAccuracy === null ? "—" : formatPercent(detail.balancedAccuracy)} />
        <Figure label="Top-3 accuracy" value={metrics.top_3_accuracy === undefined ? "—" : formatPercent(metrics.top_3_accuracy)} />
        <Figure label="Macro F1" value={number(detail.macroF1)} />
        <Figure label="Log loss" value={number(detail.logLoss)} />
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
        {metrics.confusion_matrix && (
          <Card>
            <CardHeader>
              <CardTitle>Confusion matrix</CardTitle>
              <CardDescription>Rows are the true class, columns the prediction.</CardDescription>
            </CardHeader>
            <CardContent>
              <ConfusionMatrix counts={metrics.confusion_matrix} />
            </CardContent>
          </Card>
        )}
        {metrics.per_class && (
          <Card>
            <CardHeader>
              <CardTitle>Per class</CardTitle>
              <CardDescription>
                Macro F1 {number(metrics.per_class.macro.f1)}, weighted F1 {number(metrics.per_class.weighted.f1)}
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
                  {metrics.per_class.perClass.map((c, i) => (
                    <TableRow key={i}>
                      <TableCell className="text-lg">{KMNIST_CLASSES[i].char}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(c.precision, 3)}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(c.recall, 3)}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(c.f1, 3)}</TableCell>
                      <TableCell className="text-right tabular-nums">{number(metrics.roc_auc?.perClass[i]?.auc, 3)}</TableCell>
                      <TableCell className="text-right tabular-nums">{c.support}</TableCell>
                    </TableRow>
                  ))}
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
