import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BenchmarkMetrics, Figure } from "@/components/benchmarks/benchmark-metrics";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getBenchmark } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Benchmark ${(await params).id}` };
}

export default async function BenchmarkPage({ params }: Params) {
  const id = rowIdOrNull((await params).id);
  const detail = id === null ? null : await getBenchmark(await getDb(), id);
  if (!detail) notFound();
  const metrics = detail.metrics ?? {};
  const info = detail.info;

  return (
    <>
      <PageHeader
        title={`Benchmark ${detail.id}: ${detail.model}@${detail.version}`}
        description={`on ${detail.tag} version ${detail.datasetHash.slice(0, 12)} (${formatCount(detail.sampleCount ?? 0)} images)`}
      >
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
        <Link href={`/models/${detail.modelVersionId}`} className="underline underline-offset-4" data-testid="benchmark-model-link">
          {detail.model}@{detail.version}
        </Link>
        <Link href={`/datasets/${encodeURIComponent(detail.tag)}#version-${detail.datasetVersionId}`} className="underline underline-offset-4">
          {detail.tag} version {detail.datasetVersionId}
        </Link>
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
          <BenchmarkMetrics detail={detail} />

          {info && (
            <Card>
              <CardHeader>
                <CardTitle>Run</CardTitle>
                <CardDescription>
                  Informational figures: {info.backend} backend{info.backendDetail ? ` (${info.backendDetail})` : ""}, {info.workers} worker
                  {info.workers === 1 ? "" : "s"}.
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
