import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { bestModels } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatDateTime, formatPercent } from "@/lib/format";

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
                <CardContent className="overflow-x-auto">
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>Algorithm</TableHead>
                        <TableHead>Best model</TableHead>
                        <TableHead className="text-right">Accuracy</TableHead>
                        <TableHead className="text-right">Macro F1</TableHead>
                        <TableHead className="text-right">Macro AUC</TableHead>
                        <TableHead className="text-right">ECE</TableHead>
                        <TableHead>Benchmark</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {rows.map((r) => (
                        <TableRow key={r.algorithm}>
                          <TableCell>
                            <Badge variant="secondary">{r.algorithm}</Badge>
                          </TableCell>
                          <TableCell className="font-medium">
                            <Link href={`/models/${r.modelVersionId}`} className="underline-offset-4 hover:underline">
                              {r.model}@{r.version}
                            </Link>
                            {r.id === leader?.id && <Badge className="ml-2">leader</Badge>}
                          </TableCell>
                          <TableCell className="text-right tabular-nums">{r.accuracy === null ? "—" : formatPercent(r.accuracy)}</TableCell>
                          <TableCell className="text-right tabular-nums">{r.macroF1?.toFixed(4) ?? "—"}</TableCell>
                          <TableCell className="text-right tabular-nums">{r.macroAuc?.toFixed(4) ?? "—"}</TableCell>
                          <TableCell className="text-right tabular-nums">{r.ece?.toFixed(4) ?? "—"}</TableCell>
                          <TableCell>
                            <Link href={`/benchmarks/${r.id}`} className="underline-offset-4 hover:underline">
                              {r.id}
                            </Link>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </CardContent>
              </Card>
            );
          })}
        </div>
      )}
    </>
  );
}
