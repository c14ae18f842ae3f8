import type { Metadata } from "next";
import { BENCHMARK_COLUMNS, benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { DataTable } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { bestModels } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Leaderboard" };
export const dynamic = "force-dynamic";

export default async function LeaderboardPage() {
  const { byTagAndAlgorithm, byTag } = await bestModels(await getDb());
  const tags = [...new Set(byTagAndAlgorithm.map((r) => r.tag))];
  return (
    <>
      <PageHeader
        title="Leaderboard"
        description="The best model per dataset tag and per algorithm, by accuracy on the newest version of each tag that has finished benchmarks."
      />
      {tags.length === 0 ? (
        <EmptyState title="Nothing ranked yet">Models appear here once their first benchmark has finished.</EmptyState>
      ) : (
        <div className="space-y-6">
          {tags.map((tag) => {
            const rows = byTagAndAlgorithm.filter((r) => r.tag === tag).sort((a, b) => (b.accuracy ?? -1) - (a.accuracy ?? -1));
            const leader = byTag.find((r) => r.tag === tag);
            return (
              <Card key={tag} data-testid={`leaderboard-${tag}`}>
                <CardHeader>
                  <CardTitle>{tag}</CardTitle>
                  <CardDescription>
                    Version {rows[0].datasetHash.slice(0, 12)} of {formatDateTime(rows[0].datasetCreatedAt)}
                    {leader ? `; leader ${leader.model}@${leader.version}` : ""}
                  </CardDescription>
                </CardHeader>
                <CardContent>
                  <DataTable
                    rows={rows}
                    rowKey={(r) => r.algorithm}
                    columns={[
                      BENCHMARK_COLUMNS.algorithm,
                      {
                        ...BENCHMARK_COLUMNS.modelPage,
                        cell: (r) => (
                          <>
                            {BENCHMARK_COLUMNS.modelPage.cell(r)}
                            {r.id === leader?.id && <Badge className="ml-2">leader</Badge>}
                          </>
                        ),
                      },
                      ...benchmarkColumns("accuracy", "macroF1", "macroAuc", "ece"),
                      { ...BENCHMARK_COLUMNS.id, label: "Benchmark" },
                    ]}
                  />
                </CardContent>
              </Card>
            );
          })}
        </div>
      )}
    </>
  );
}
