import type { Metadata } from "next";
import Link from "next/link";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { componentStatus } from "@/lib/admin";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime, formatPercent } from "@/lib/format";
import { overview } from "@/lib/overview";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

function Stat({ label, value, href, testId }: { label: string; value: number; href?: string; testId: string }) {
  const body = (
    <>
      <div className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {formatCount(value)}
      </div>
      <div className="text-xs text-muted-foreground">{label}</div>
    </>
  );
  return (
    <div className="rounded-xl border bg-card p-4">
      {href ? (
        <Link href={href} className="block hover:underline">
          {body}
        </Link>
      ) : (
        body
      )}
    </div>
  );
}

function ComponentRow({ name, ok, detail }: { name: string; ok: boolean; detail: string }) {
  return (
    <div className="flex items-start justify-between gap-3 py-1.5" data-testid={`component-${name.toLowerCase().replace(/\s+/g, "-")}`}>
      <dt className="text-sm">{name}</dt>
      <dd className="flex min-w-0 items-center gap-2 text-right text-xs text-muted-foreground">
        <span className="truncate" title={detail}>
          {detail}
        </span>
        <Badge variant={ok ? "success" : "destructive"}>{ok ? "ok" : "down"}</Badge>
      </dd>
    </div>
  );
}

export default async function OverviewPage() {
  const db = await getDb();
  const [data, components] = await Promise.all([overview(db), componentStatus(db)]);
  const { counts, champion, lastPipeline } = data;
  const headline = champion?.benchmark;

  return (
    <>
      <PageHeader title="Overview" description="The state of the lab at a glance: what is registered, what is being measured, and what answers predictions." />

      <section aria-label="Counts" className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4 xl:grid-cols-8">
        <Stat label="model versions" value={counts.modelVersions} href="/models" testId="count-model-versions" />
        <Stat label="models" value={counts.models} href="/models" testId="count-models" />
        <Stat label="authors" value={counts.authors} testId="count-authors" />
        <Stat label="dataset tags" value={counts.datasetTags} href="/datasets" testId="count-datasets" />
        <Stat label="benchmarks done" value={counts.benchmarks.done} href="/benchmarks?status=done" testId="count-benchmarks-done" />
        <Stat label="benchmarks running" value={counts.benchmarks.running} href="/benchmarks?status=running" testId="count-benchmarks-running" />
        <Stat label="benchmarks pending" value={counts.benchmarks.pending} href="/benchmarks?status=pending" testId="count-benchmarks-pending" />
        <Stat label="benchmarks failed" value={counts.benchmarks.failed} href="/benchmarks?status=failed" testId="count-benchmarks-failed" />
      </section>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2" data-testid="champion">
          <CardHeader>
            <CardTitle>Champion</CardTitle>
            <CardDescription>
              {champion
                ? champion.aliased
                  ? "The version the champion alias points at; predictions use it."
                  : "No promotion yet: the version with the best holdout accuracy answers predictions."
                : "No model is registered yet."}
            </CardDescription>
          </CardHeader>
          <CardContent>
            {!champion ? (
              <EmptyState title="No champion">Start the app or run `npm run train`: the pipeline trains three models and promotes the best.</EmptyState>
            ) : (
              <div className="space-y-3">
                <p className="text-lg font-medium">
                  <Link href={`/models/${champion.model.id}`} className="underline-offset-4 hover:underline" data-testid="champion-link">
                    {champion.model.name}@{champion.model.version}
                  </Link>{" "}
                  <Badge variant="secondary">{champion.model.algorithm}</Badge>
                </p>
                {headline ? (
                  <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                    {[
                      ["Accuracy", headline.accuracy === null ? "—" : formatPercent(headline.accuracy), "champion-accuracy"],
                      ["Macro F1", headline.macroF1?.toFixed(4) ?? "—", "champion-macro-f1"],
                      ["Log loss", headline.logLoss?.toFixed(4) ?? "—", "champion-log-loss"],
                      ["Macro AUC", headline.macroAuc?.toFixed(4) ?? "—", "champion-macro-auc"],
                    ].map(([label, value, testId]) => (
                      <div key={label} className="rounded-lg bg-muted px-3 py-2">
                        <dt className="text-xs text-muted-foreground">{label}</dt>
                        <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
                          {value}
                        </dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  <p className="text-sm text-muted-foreground">Not benchmarked yet: its figures appear once its first benchmark finishes.</p>
                )}
                {headline && (
                  <p className="text-xs text-muted-foreground">
                    From{" "}
                    <Link href={`/benchmarks/${headline.id}`} className="underline underline-offset-4">
                      benchmark {headline.id}
                    </Link>{" "}
                    on {headline.tag} ({headline.datasetHash.slice(0, 12)}, {formatCount(headline.sampleCount ?? 0)} images), finished{" "}
                    {headline.finishedAt ? formatDateTime(headline.finishedAt) : "—"}.
                  </p>
                )}
              </div>
            )}
          </CardContent>
        </Card>

        <Card data-testid="system-status">
          <CardHeader>
            <CardTitle>System</CardTitle>
            <CardDescription>Components and background work.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="divide-y">
              {components.map((c) => (
                <ComponentRow key={c.name} name={c.name} ok={c.ok} detail={c.detail} />
              ))}
              <ComponentRow
                name="Last pipeline"
                ok={lastPipeline?.status !== "failed"}
                detail={
                  lastPipeline
                    ? `${lastPipeline.status}${lastPipeline.decision ? `, ${lastPipeline.decision}` : ""}, ${formatDateTime(lastPipeline.startedAt)}`
                    : "never run"
                }
              />
            </dl>
            {data.queue.length > 0 && (
              <ul className="mt-3 space-y-1 text-xs text-muted-foreground" data-testid="job-queue">
                {data.queue.map((q) => (
                  <li key={q.name}>
                    {q.name}: {q.running} running, {q.pending} pending
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-3 text-xs">
              <Link href="/training" className="underline underline-offset-4">
                Training runs
              </Link>
            </p>
          </CardContent>
        </Card>

        <Card className="lg:col-span-3 xl:col-span-1" data-testid="latest-models">
          <CardHeader>
            <CardTitle>Latest models</CardTitle>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            {data.latestModels.length === 0 ? (
              <p className="text-sm text-muted-foreground">None registered yet.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Model</TableHead>
                    <TableHead>Benchmark</TableHead>
                    <TableHead className="text-right">Best accuracy</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.latestModels.map((m) => (
                    <TableRow key={m.id}>
                      <TableCell>
                        <Link href={`/models/${m.id}`} className="font-medium underline-offset-4 hover:underline">
                          {m.name}@{m.version}
                        </Link>
                        <div className="text-xs text-muted-foreground">
                          {m.algorithm} · {m.author} · {formatDateTime(m.createdAt)}
                        </div>
                      </TableCell>
                      <TableCell>{m.benchmarkStatus ? <BenchmarkStatusBadge status={m.benchmarkStatus} /> : <span className="text-muted-foreground">none</span>}</TableCell>
                      <TableCell className="text-right tabular-nums">{m.bestAccuracy === null ? "—" : formatPercent(m.bestAccuracy)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>

        <Card className="lg:col-span-3 xl:col-span-2" data-testid="latest-benchmarks">
          <CardHeader>
            <CardTitle>Latest benchmarks</CardTitle>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            {data.latestBenchmarks.length === 0 ? (
              <p className="text-sm text-muted-foreground">No benchmark has been queued yet.</p>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Benchmark</TableHead>
                    <TableHead>Model</TableHead>
                    <TableHead>Dataset</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead className="text-right">Accuracy</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.latestBenchmarks.map((b) => (
                    <TableRow key={b.id}>
                      <TableCell>
                        <Link href={`/benchmarks/${b.id}`} className="underline-offset-4 hover:underline">
                          #{b.id}
                        </Link>
                        <div className="text-xs text-muted-foreground">{formatDateTime(b.createdAt)}</div>
                      </TableCell>
                      <TableCell>
                        {b.model}@{b.version}
                      </TableCell>
                      <TableCell>
                        <Link href={`/datasets/${encodeURIComponent(b.tag)}`} className="underline-offset-4 hover:underline">
                          {b.tag}
                        </Link>
                      </TableCell>
                      <TableCell>
                        <BenchmarkStatusBadge status={b.status} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{b.accuracy === null ? "—" : formatPercent(b.accuracy)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
