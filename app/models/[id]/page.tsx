import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { BenchmarkMetrics } from "@/components/benchmarks/benchmark-metrics";
import { Heatmap } from "@/components/charts/heatmap";
import { MetricOverTime } from "@/components/charts/metric-over-time";
import { DataTable } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableRow } from "@/components/ui/table";
import { explanationOf, getBenchmark, listBenchmarks } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatDateTime, formatPercent } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { getModelVersion } from "@/lib/registry";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const id = rowIdOrNull((await params).id);
  const version = id === null ? null : await getModelVersion(await getDb(), id);
  return { title: version ? `${version.name}@${version.version}` : "Model" };
}

export default async function ModelVersionPage({ params }: Params) {
  const id = rowIdOrNull((await params).id);
  const db = await getDb();
  const version = id === null ? null : await getModelVersion(db, id);
  if (!version || id === null) notFound();
  const [history, explanation] = await Promise.all([
    listBenchmarks(db, { modelVersionId: id, page: 1, pageSize: 200, sort: "created", order: "desc" }),
    explanationOf(db, id),
  ]);
  const latestDone = history.rows.find((r) => r.status === "done");
  const latest = latestDone ? await getBenchmark(db, latestDone.id) : null;
  const points = history.rows
    .filter((r) => r.status === "done")
    .map((r) => ({ at: new Date(r.datasetCreatedAt).getTime(), label: `${r.tag} ${r.datasetHash.slice(0, 8)}`, accuracy: r.accuracy, macroF1: r.macroF1 }));
  const trainingData = (version.manifest as { trainingData?: { tag: string; contentHash: string; records: number; protocol: string } | null }).trainingData;

  return (
    <>
      <PageHeader
        title={`${version.name}@${version.version}`}
        description={`${version.algorithm} by ${version.author}, following dataset tag ${version.datasetTag}`}
      >
        <Button asChild variant="outline" size="sm">
          <a href={`/api/models/versions/${version.id}/artifact`} download>
            Download artifact
          </a>
        </Button>
      </PageHeader>
      <div className="mb-6 flex flex-wrap items-center gap-2 text-sm">
        <Badge variant="outline">{version.algorithm}</Badge>
        {version.aliases.map((alias) => (
          <Badge key={alias}>{alias}</Badge>
        ))}
        {version.archived && <Badge variant="warning">archived</Badge>}
        <span className="text-muted-foreground">registered {formatDateTime(version.createdAt)}</span>
        <Link href="/models" className="ml-auto underline-offset-4 hover:underline">
          All models
        </Link>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Registry</CardTitle>
            <CardDescription>What was recorded when this version was registered.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-muted-foreground">Backend</dt>
              <dd>{version.backend ?? "—"}</dd>
              <dt className="text-muted-foreground">Code version</dt>
              <dd className="font-mono text-xs">{version.codeVersion ?? "—"}</dd>
              <dt className="text-muted-foreground">Training data</dt>
              <dd>
                {trainingData
                  ? `${trainingData.tag} ${trainingData.contentHash.slice(0, 12)} (${trainingData.records} records, ${trainingData.protocol})`
                  : "—"}
              </dd>
              <dt className="text-muted-foreground">Weights sha256</dt>
              <dd className="font-mono text-xs break-all">{version.weightsSha256}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Hyperparameters</CardTitle>
          </CardHeader>
          <CardContent>
            <Table data-testid="hyperparameters">
              <TableBody>
                {Object.entries(version.hyperparameters).map(([key, value]) => (
                  <TableRow key={key}>
                    <TableCell className="font-mono text-xs">{key}</TableCell>
                    <TableCell className="text-right font-mono text-xs">{JSON.stringify(value)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>

      <h2 className="mt-8 mb-3 text-lg font-semibold">Latest benchmark</h2>
      {latest ? (
        <div className="space-y-6">
          <p className="text-sm text-muted-foreground">
            <Link href={`/benchmarks/${latest.id}`} className="underline-offset-4 hover:underline">
              Benchmark {latest.id}
            </Link>{" "}
            on {latest.tag} {latest.datasetHash.slice(0, 12)}, finished {latest.finishedAt ? formatDateTime(latest.finishedAt) : "—"}.
          </p>
          <BenchmarkMetrics detail={latest} />
        </div>
      ) : (
        <EmptyState title="Not benchmarked yet">
          {history.rows[0]
            ? `Its benchmark is ${history.rows[0].status}${history.rows[0].error ? `: ${history.rows[0].error}` : "."}`
            : `It is benchmarked on ${version.datasetTag} once the benchmark engine runs (within a minute when the server is up).`}
        </EmptyState>
      )}

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Metrics over dataset versions</CardTitle>
            <CardDescription>One point per version of {version.datasetTag} this model was benchmarked on.</CardDescription>
          </CardHeader>
          <CardContent>
            {points.length ? <MetricOverTime points={points} /> : <p className="text-sm text-muted-foreground">No finished benchmark yet.</p>}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Benchmark history</CardTitle>
          </CardHeader>
          <CardContent>
            <DataTable
              rows={history.rows}
              rowKey={(r) => r.id}
              columns={benchmarkColumns("id", "status", "dataset", "accuracy", "trigger")}
              testId="benchmark-history"
            />
          </CardContent>
        </Card>
      </div>

      <h2 className="mt-8 mb-1 text-lg font-semibold">Explanations</h2>
      <p className="mb-3 text-sm text-muted-foreground">Red pixels are evidence for the class, blue against it.</p>
      {explanation?.status === "done" && explanation.methods ? (
        <div className="space-y-6" data-testid="explanations">
          {explanation.methods.map((method) => (
            <Card key={method.method}>
              <CardHeader>
                <CardTitle>{method.title}</CardTitle>
                <CardDescription>
                  Mean attribution towards the true class over {method.samples / KMNIST_CLASSES.length} samples per class; {method.seconds.toFixed(1)} s.
                </CardDescription>
              </CardHeader>
              <CardContent className="space-y-4">
                <div className="flex flex-wrap gap-3">
                  {method.classMeans.map((values, c) => (
                    <figure key={c} className="text-center">
                      <Heatmap values={values} label={`${method.method} mean for ${KMNIST_CLASSES[c].char}`} size={72} />
                      <figcaption className="text-lg">{KMNIST_CLASSES[c].char}</figcaption>
                    </figure>
                  ))}
                </div>
                <div className="flex flex-wrap gap-4">
                  {method.examples.map((example) => (
                    <figure key={example.index} className="rounded-lg border p-2 text-center text-xs">
                      <div className="flex gap-1">
                        <Heatmap values={example.image} diverging={false} label={`sample ${example.index}`} size={64} />
                        <Heatmap values={example.attribution} label={`attribution of sample ${example.index}`} size={64} />
                      </div>
                      <figcaption className={example.label === example.predicted ? "mt-1" : "mt-1 text-red-700 dark:text-red-300"}>
                        {KMNIST_CLASSES[example.label].char} → {KMNIST_CLASSES[example.predicted].char} ({formatPercent(example.confidence, 0)})
                      </figcaption>
                    </figure>
                  ))}
                </div>
              </CardContent>
            </Card>
          ))}
        </div>
      ) : (
        <EmptyState title={explanation ? `Explanation ${explanation.status}` : "No explanation yet"}>
          {explanation?.error ?? "Attributions are computed after the model's first benchmark."}
        </EmptyState>
      )}
    </>
  );
}
