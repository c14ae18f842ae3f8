import type { Metadata } from "next";
import Link from "next/link";
import { BENCHMARK_COLUMNS, benchmarkColumns } from "@/components/benchmarks/benchmark-columns";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { bestModels, leaderboardDefaultTag, smallSampleMinimum, type RankedRow } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Leaderboard" };
export const dynamic = "force-dynamic";

const STANDING: Record<NonNullable<RankedRow["standing"]>, { label: string; variant: "default" | "secondary" | "warning" }> = {
  leader: { label: "leader", variant: "default" },
  tied: { label: "tied with the leader", variant: "secondary" },
  small_sample: { label: "small sample", variant: "warning" },
};

export default async function LeaderboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const db = await getDb();
  const [{ byTagAndAlgorithm }, primary] = await Promise.all([bestModels(db), leaderboardDefaultTag(db)]);
  const tags = [...new Set(byTagAndAlgorithm.map((r) => r.tag))].sort((a, b) => Number(b === primary) - Number(a === primary) || a.localeCompare(b));
  const tag = typeof query.tag === "string" && tags.includes(query.tag) ? query.tag : tags.includes(primary ?? "") ? primary! : tags[0];
  const rows = byTagAndAlgorithm.filter((r) => r.tag === tag);
  const leader = rows.find((r) => r.standing === "leader");
  const tied = rows.filter((r) => r.standing === "tied");
  const minimum = smallSampleMinimum();
  const columns: Array<Column<RankedRow>> = [
    BENCHMARK_COLUMNS.algorithm,
    {
      ...BENCHMARK_COLUMNS.modelPage,
      cell: (r) => (
        <>
          {BENCHMARK_COLUMNS.modelPage.cell(r)}
          {r.standing && (
            <Badge variant={STANDING[r.standing].variant} className="ml-2" data-testid={`standing-${r.standing}`}>
              {r.standing === "leader" && tied.length ? "leader (tied)" : STANDING[r.standing].label}
            </Badge>
          )}
        </>
      ),
    },
    ...benchmarkColumns("accuracy", "macroF1", "macroAuc", "ece"),
    { ...BENCHMARK_COLUMNS.id, label: "Benchmark" },
  ];
  return (
    <>
      <PageHeader
        title="Leaderboard"
        description="The best model per algorithm on the newest version of a dataset tag, by accuracy with its 95 % interval. Models whose intervals overlap the leader's are tied with it; small samples are never crowned."
      />
      {tags.length === 0 ? (
        <EmptyState title="Nothing ranked yet">Models appear here once their first benchmark has finished.</EmptyState>
      ) : (
        <div className="space-y-4">
          <nav aria-label="Dataset tags" className="flex flex-wrap gap-1 text-sm" data-testid="leaderboard-tags">
            {tags.map((t) => (
              <Link
                key={t}
                href={t === primary ? "/leaderboard" : `/leaderboard?tag=${encodeURIComponent(t)}`}
                aria-current={t === tag ? "page" : undefined}
                className={cn("rounded-md border px-2 py-1", t === tag ? "bg-primary text-primary-foreground" : "hover:bg-muted")}
              >
                {t}
                {t === primary ? " (primary)" : ""}
              </Link>
            ))}
          </nav>
          <Card data-testid={`leaderboard-${tag}`}>
            <CardHeader>
              <CardTitle>{tag}</CardTitle>
              <CardDescription>
                Version {rows[0].datasetHash.slice(0, 12)} of {formatDateTime(rows[0].datasetCreatedAt)}, {formatCount(rows[0].sampleCount ?? 0)} images.{" "}
                {leader
                  ? tied.length
                    ? `No clear leader: ${leader.model}@${leader.version} and ${tied.length} other${tied.length === 1 ? "" : "s"} are within each other's intervals.`
                    : `Leader ${leader.model}@${leader.version}.`
                  : `No leader: every benchmark here has fewer than ${formatCount(minimum)} images.`}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <DataTable rows={rows} rowKey={(r) => r.algorithm} testId="leaderboard-table" columns={columns} />
            </CardContent>
          </Card>
        </div>
      )}
    </>
  );
}
