import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { BenchmarkMetrics } from "@/components/benchmarks/benchmark-metrics";
import { Heatmap } from "@/components/charts/heatmap";
import { MetricOverTime } from "@/components/charts/metric-over-time";
import { DataTable } from "@/components/data-table";
import { FollowsEditor } from "@/components/models/follows-editor";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableRow } from "@/components/ui/table";
import { currentUser } from "@/lib/auth";
import { explanationOf, getBenchmark, isSmallSample, modelEvaluations } from "@/lib/benchmark";
import { trainableTags } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatDateTime, formatPercent } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { getModelVersion, modelLineage } from "@/lib/registry";
import { cn } from "@/lib/utils";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const id = rowIdOrNull((await params).id);
  const version = id === null ? null : await getModelVersion(await getDb(), id);
  return { title: version ? `${version.name}@${version.version}` : "Model" };
}

/** The artifact's form, and for an imported ONNX model what made it and what it takes. */
function runtimeOf(manifest: Record<string, unknown>): string {
  const { runtime, preprocessing, hyperparameters } = manifest as {
    runtime?: string;
    preprocessing?: { input: string; scale: string; polarity: string; output?: string };
    hyperparameters?: { producer?: string; opset?: number };
  };
  if (runtime !== "onnx" || !preprocessing) return runtime ?? "—";
  return `ONNX (imported; ${hyperparameters?.producer ?? "unknown producer"}, opset ${hyperparameters?.opset ?? "?"}): input ${preprocessing.input}, ${preprocessing.scale}, ${preprocessing.polarity}, ${preprocessing.output ?? "probabilities"}`;
}

export default async function ModelVersionPage({ params, searchParams }: Params) {
  const [{ id: rawId }, query] = await Promise.all([params, searchParams]);
  const id = rowIdOrNull(rawId);
  const db = await getDb();
  const version = id === null ? null : await getModelVersion(db, id);
  if (!version || id === null) notFound();
  const [evaluations, explanation, lineage, user] = await Promise.all([
    modelEvaluations(db, id, version.datasetTag),
    explanationOf(db, id),
    modelLineage(db, id),
    currentUser(),
  ]);
  const followable = user?.role === "admin" ? (await trainableTags(db)).map((t) => t.name) : null;
  const { history, primary, others, series } = evaluations;
  // The tag whose newest benchmark is shown in full: the primary one unless the URL picks another.
  const tag = typeof query.tag === "string" && series.some((s) => s.tag === query.tag) ? query.tag : version.datasetTag;
  const shownRow = tag === version.datasetTag ? primary : (others.find((r) => r.tag === tag) ?? null);
  const shown = shownRow ? await getBenchmark(db, shownRow.id) : null;
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
        {(version.manifest as { weights?: Array<{ path: string }> }).weights?.some((w) => w.path === "model.onnx") && (
          <Button asChild variant="outline" size="sm">
            <a href={`/api/models/versions/${version.id}/artifact?format=onnx`} download data-testid="download-onnx">
              Download ONNX
            </a>
          </Button>
        )}
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

      {(lineage.decisions.length > 0 || followable) && (
        <div className="mb-6 grid gap-6 lg:grid-cols-2">
          {lineage.decisions.length > 0 && (
            <Card data-testid="model-decisions">
              <CardHeader>
                <CardTitle>Promotion decisions</CardTitle>
                <CardDescription>Alias changes naming this version, newest first.</CardDescription>
              </CardHeader>
              <CardContent className="space-y-2 text-sm">
                {lineage.decisions.map((d) => (
                  <p key={d.id}>
                    <Badge variant={d.toVersionId === id ? "success" : "secondary"}>
                      {d.toVersionId === id ? `${d.action}d to ${d.alias}` : `replaced as ${d.alias}`}
                    </Badge>{" "}
                    {formatDateTime(d.createdAt)} by {d.actor}
                    {typeof d.metrics?.pipelineRunId === "string" && (
                      <>
                        {" "}
                        (
                        <Link href={`/training#run-${d.metrics.pipelineRunId}`} className="underline underline-offset-4">
                          pipeline run #{d.metrics.pipelineRunId}
                        </Link>
                        {typeof d.metrics.trigger === "string" ? `, trigger ${d.metrics.trigger}` : ""})
                      </>
                    )}
                    <span className="block text-xs text-muted-foreground">{d.reason}</span>
                  </p>
                ))}
              </CardContent>
            </Card>
          )}
          {followable && (
            <Card>
              <CardHeader>
                <CardTitle>Followed tags</CardTitle>
                <CardDescription>The benchmark engine evaluates this version on each new version of these tags.</CardDescription>
              </CardHeader>
              <CardContent>
                <FollowsEditor versionId={id} primary={version.datasetTag} following={version.alsoFollows} tags={followable} />
              </CardContent>
            </Card>
          )}
        </div>
      )}
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
              <dt className="text-muted-foreground">Runtime</dt>
              <dd data-testid="model-runtime">{runtimeOf(version.manifest)}</dd>
              <dt className="text-muted-foreground">Code version</dt>
              <dd className="font-mono text-xs">{version.codeVersion ?? "—"}</dd>
              <dt className="text-muted-foreground">Training data</dt>
              <dd>
                {trainingData ? (
                  <>
                    <Link
                      href={`/datasets/${encodeURIComponent(trainingData.tag)}${version.trainingDataVersionId ? `#version-${version.trainingDataVersionId}` : ""}`}
                      className="underline underline-offset-4"
                      data-testid="training-data-link"
                    >
                      {trainingData.tag}
                      {version.trainingDataVersionId ? ` version ${version.trainingDataVersionId}` : ""}
                    </Link>{" "}
                    <span className="font-mono text-xs">{trainingData.contentHash.slice(0, 12)}</span> ({trainingData.records} records, {trainingData.protocol})
                  </>
                ) : (
                  "—"
                )}
              </dd>
              <dt className="text-muted-foreground">Pipeline run</dt>
              <dd>
                {lineage.pipelineRunId ? (
                  <Link href={`/training#run-${lineage.pipelineRunId}`} className="underline underline-offset-4">
                    #{lineage.pipelineRunId}
                  </Link>
                ) : (
                  "— (trained by hand or uploaded)"
                )}
              </dd>
              <dt className="text-muted-foreground">Also follows</dt>
              <dd>
                {version.alsoFollows.length === 0
                  ? "—"
                  : version.alsoFollows.map((t, i) => (
                      <span key={t}>
                        {i > 0 && ", "}
                        <Link href={`/datasets/${encodeURIComponent(t)}`} className="underline underline-offset-4">
                          {t}
                        </Link>
                      </span>
                    ))}
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

      <div className="mt-8 mb-3 flex flex-wrap items-baseline gap-x-4 gap-y-2">
        <h2 className="text-lg font-semibold">
          {tag === version.datasetTag ? "Headline: " : "Evaluation on "}
          {tag}
        </h2>
        {series.length > 1 && (
          <nav aria-label="Dataset tags" className="flex flex-wrap gap-1 text-sm" data-testid="model-tag-switch">
            {series.map((s) => (
              <Link
                key={s.tag}
                href={s.primary ? `/models/${id}` : `/models/${id}?tag=${encodeURIComponent(s.tag)}`}
                aria-current={s.tag === tag ? "page" : undefined}
                className={cn("rounded-md border px-2 py-0.5", s.tag === tag ? "bg-primary text-primary-foreground" : "hover:bg-muted")}
              >
                {s.tag}
                {s.primary ? " (primary)" : ""}
              </Link>
            ))}
          </nav>
        )}
      </div>
      {shown ? (
        <div className="space-y-6">
          <p className="text-sm text-muted-foreground">
            <Link href={`/benchmarks/${shown.id}`} className="underline-offset-4 hover:underline">
              Benchmark {shown.id}
            </Link>{" "}
            on{" "}
            <Link href={`/datasets/${encodeURIComponent(shown.tag)}`} className="underline-offset-4 hover:underline">
              {shown.tag}
            </Link>{" "}
            {shown.datasetHash.slice(0, 12)} (the newest version it was benchmarked on), finished {shown.finishedAt ? formatDateTime(shown.finishedAt) : "—"}.
            {tag === version.datasetTag && " The primary tag is the one its manifest names; the headline figures everywhere come from it."}
          </p>
          <BenchmarkMetrics detail={shown} />
        </div>
      ) : (
        <EmptyState title={`Not benchmarked on ${tag} yet`}>
          {history.rows[0]
            ? `Its newest benchmark is ${history.rows[0].status}${history.rows[0].error ? `: ${history.rows[0].error}` : "."}`
            : `It is benchmarked on ${version.datasetTag} once the benchmark engine runs (within a minute when the server is up).`}
        </EmptyState>
      )}

      {others.length > 0 && (
        <Card className="mt-6" data-testid="other-tags">
          <CardHeader>
            <CardTitle>Other dataset tags</CardTitle>
            <CardDescription>The newest benchmark on each tag this version also follows. They never make its headline.</CardDescription>
          </CardHeader>
          <CardContent>
            <DataTable rows={others} rowKey={(r) => r.id} columns={benchmarkColumns("tag", "accuracy", "macroF1", "idAndDate")} testId="other-tags-table" />
          </CardContent>
        </Card>
      )}

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Accuracy over dataset versions</CardTitle>
            <CardDescription>One series per tag, one point per version with its 95 % interval; hollow points are small samples.</CardDescription>
          </CardHeader>
          <CardContent>
            {series.length ? (
              <MetricOverTime
                series={series.map((s) => ({
                  name: s.primary ? `${s.tag} (primary)` : s.tag,
                  points: s.points.map((p) => ({ ...p, small: isSmallSample(p.accuracy.n) })),
                }))}
              />
            ) : (
              <p className="text-sm text-muted-foreground">No finished benchmark yet.</p>
            )}
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
