import type { Metadata } from "next";
import { benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { DataTable } from "@/components/data-table";
import { modelColumns } from "@/components/models/model-columns";
import { ChampionCard } from "@/components/overview/champion-card";
import { Stat } from "@/components/overview/stat";
import { SystemCard } from "@/components/overview/system-card";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { componentStatus } from "@/lib/admin";
import { getDb } from "@/lib/db";
import { overview } from "@/lib/overview";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const db = await getDb();
  const [data, components] = await Promise.all([overview(db), componentStatus(db)]);
  const { counts } = data;

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
        <ChampionCard champion={data.champion} />
        <SystemCard components={components} lastPipeline={data.lastPipeline} queue={data.queue} />

        <Card className="lg:col-span-3 xl:col-span-1" data-testid="latest-models">
          <CardHeader>
            <CardTitle>Latest models</CardTitle>
          </CardHeader>
          <CardContent>
            {data.latestModels.length === 0 ? (
              <p className="text-sm text-muted-foreground">None registered yet.</p>
            ) : (
              <DataTable rows={data.latestModels} rowKey={(m) => m.id} columns={modelColumns("summary", "benchmark", "accuracy")} />
            )}
          </CardContent>
        </Card>

        <Card className="lg:col-span-3 xl:col-span-2" data-testid="latest-benchmarks">
          <CardHeader>
            <CardTitle>Latest benchmarks</CardTitle>
          </CardHeader>
          <CardContent>
            {data.latestBenchmarks.length === 0 ? (
              <p className="text-sm text-muted-foreground">No benchmark has been queued yet.</p>
            ) : (
              <DataTable rows={data.latestBenchmarks} rowKey={(b) => b.id} columns={benchmarkColumns("idAndDate", "model", "tag", "status", "accuracy")} />
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
