import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfusionMatrix } from "@/components/benchmarks/confusion-matrix";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import { ReliabilityChart } from "@/components/charts/reliability-chart";
import { RocChart } from "@/components/charts/roc-chart";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getBenchmark } from "@/lib/benchmark";
import { KMNIST_CLASSES } from "@/lib/data/classes";
import { getDb } from "@/lib/db";
import type { ReliabilityBin } from "@/lib/metrics";
import { formatCount, formatDateTime, formatPercent } from "@/lib/format";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Benchmark ${(await params).id}` };
}

interface StoredMetrics {
  per_class?: { perClass: Array<{ precision: number; recall: number; f1: number; support: number }>; macro: { f1: number }; weighted: { f1: number } };
  confusion_matrix?: number[][];
  roc_auc?: { perClass: Array<{ auc: number | null; curve: Array<{ x: number; y: number }> }>; macroAuc: number | null; microAuc: number | null };
  calibration?: { ece: number; bins: ReliabilityBin[] };
  top_3_accuracy?: number;
  unknown_metrics?: string[];
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg border p-3">
      <div className="text-xs text-muted-foreground">{label}</div>
      <div className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

export default async function BenchmarkPage({ params }: Params) {
  const raw = (await params).id;
  const id = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  const detail = Number.isSafeInteger(id) && id <= 2_147_483_647 ? await getBenchmark(await getDb(), id) : null;
  if (!detail) notFound();
  const metrics = (detail.metrics ?? {}) as StoredMetrics;
  const info = detail.info;
  const number = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? "—" : v.toFixed(digits));

  return (
    <>
      <PageHeader title={`Benchmark ${detail.id}: ${detail.model}@${detail.version}`} description={`on ${detail.tag} version ${detail.datasetHash.slice(0, 12)} (${formatCount(detail.sampleCount ?? 0)} images)`}>
        <div className="flex gap-2">
          <Button asChild variant="outline" size="sm">
            <a href={`/api/benchmarks/${detail.id}`} download={`benchmark-${detail.id}.json`}>
              JSON
            </a>
          </Button>
          <Button asChild variant="outline" size="sm">
            <a href={`/api/benchmarks/${detail.id}?format=csv`} download>
              Per-class CSV
            </a>
          </Button>
        </div>
      </PageHeader>

      <div className="mb-6 flex flex-wrap items-center gap-2 text-sm">
        <BenchmarkStatusBadge status={detail.status} />
        <Badge variant="outline">{detail.algorithm}</Badge>
        <span className="text-muted-foreground">
          by {detail.author} · trigger {detail.trigger.replace("_", " ")} · {detail.runs} run{detail.runs === 1 ? "" : "s"}, attempt {detail.attempts}
          {detail.finishedAt ? ` · finished ${formatDateTime(detail.finishedAt)}` : ""}
        </span>
        <Link href="/benchmarks" className="ml-auto underline-offset-4 hover:underline">
          All benchmarks
        </Link>
      </div>

      {detail.status !== "done" ? (
        <Card>
          <CardHeader>
            <CardTitle>{detail.status === "failed" ? "This benchmark failed" : "This benchmark has not finished yet"}</CardTitle>
            <CardDescription>{detail.error ?? "It runs in the benchmark engine's worker pool; this page shows its metrics once it is done."}</CardDescription>
          </CardHeader>
        </Card>
      ) : (
        <div className="space-y-6">
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
                    True- against false-positive rate per class. Macro AUC {number(metrics.roc_auc.macroAuc)}, micro AUC{" "}
                    {number(metrics.roc_auc.microAuc)}
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
                  <CardDescription>Expected calibration error {number(metrics.calibration.ece)} over {metrics.calibration.bins.length} bins.</CardDescription>
                </CardHeader>
                <CardContent>
                  <ReliabilityChart bins={metrics.calibration.bins} />
                </CardContent>
              </Card>
            )}
          </div>

          {info && (
            <Card>
              <CardHeader>
                <CardTitle>Run</CardTitle>
                <CardDescription>
                  Informational figures: {info.backend} backend, {info.workers} worker{info.workers === 1 ? "" : "s"}.
                </CardDescription>
              </CardHeader>
              <CardContent className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <Figure label="Wall time" value={`${info.wallMs.toFixed(0)} ms`} />
                <Figure label="Inference" value={`${info.inferMs.toFixed(0)} ms`} />
                <Figure label="Throughput" value={`${formatCount(Math.round(info.throughput))} img/s`} />
                <Figure label="Latency p50 / p95" value={`${info.latencyMs.p50.toFixed(2)} / ${info.latencyMs.p95.toFixed(2)} ms`} />
                <Figure label="Model load" value={`${info.loadModelMs.toFixed(0)} ms`} />
                <Figure label="Metrics" value={`${info.metricsMs.toFixed(0)} ms`} />
                <Figure label="Data load (shared)" value={`${info.loadDataMs.toFixed(0)} ms`} />
                <Figure label="Worker peak memory" value={`${info.peakWorkerMemoryMb.toFixed(0)} MB`} />
              </CardContent>
            </Card>
          )}
          <p className="text-sm text-muted-foreground">
            Explanation of this model version: {detail.explanation ? detail.explanation.status : "not requested yet"}
            {detail.explanation?.status === "done" && (
              <>
                {" "}
                (
                <a className="underline" href={`/api/models/versions/${detail.modelVersionId}/explanation`}>
                  attributions as JSON
                </a>
                )
              </>
            )}
            {metrics.unknown_metrics?.length ? ` · the manifest asks for metrics this engine does not know: ${metrics.unknown_metrics.join(", ")}` : ""}
          </p>
        </div>
      )}
    </>
  );
}
