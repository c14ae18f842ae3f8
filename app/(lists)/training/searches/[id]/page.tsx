import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ProgressBar } from "@/components/admin/progress-bar";
import { RefreshWhile } from "@/components/admin/refresh-while";
import { DataTable, type Column } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { singleValues } from "@/components/table-controls";
import { SearchCharts, type ChartTrial } from "@/components/training/search-charts";
import { formatAccuracyOn, SearchStatusBadge } from "@/components/training/search-list";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { searchDetail, type SearchDetail, type SearchTrial } from "@/lib/pipeline";

export const metadata: Metadata = { title: "Hyperparameter search" };
export const dynamic = "force-dynamic";

const SORTS = ["trial", "rung", "validation", "holdout", "seconds"] as const;
const querySchema = z.object({
  sort: z.enum(SORTS).catch("validation"),
  order: z.enum(["asc", "desc"]).catch("desc"),
});

const sortValue: Record<(typeof SORTS)[number], (t: SearchTrial) => number> = {
  trial: (t) => t.id,
  rung: (t) => t.rung ?? -1,
  validation: (t) => t.validationAccuracy ?? -1,
  holdout: (t) => t.holdoutAccuracy ?? -1,
  seconds: (t) => t.trainSeconds ?? -1,
};

function resourceLabel(detail: SearchDetail, rung: number | null): string {
  const { resource } = detail.search.strategy.space;
  const value = resource.rungs[rung ?? 0];
  if (value === undefined) return "–";
  return resource.kind === "epochs" ? `${value} epochs` : `${Math.round(value * 100)} % of the data`;
}

const formatValue = (value: unknown) => (typeof value === "number" ? String(Number(value.toPrecision(3))) : String(value ?? "–"));

export default async function SearchPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  const detail = await searchDetail(await getDb(), id);
  if (!detail) notFound();
  const query = querySchema.parse(singleValues(await searchParams));
  const { search, trials, holdoutRecords } = detail;
  const running = search.status === "running";
  const dimensions = Object.entries(search.strategy.space.dimensions).map(([name, d]) => ({ name, log: d.kind === "log-uniform" }));
  const validationN = search.validationCount ?? 0;
  const started = new Date(search.startedAt).getTime();

  const sorted = [...trials].sort((a, b) => (sortValue[query.sort](a) - sortValue[query.sort](b)) * (query.order === "asc" ? 1 : -1) || a.id - b.id);
  const columns: Array<Column<SearchTrial>> = [
    {
      label: "Trial",
      sort: "trial",
      cell: (t) => (
        <span className="font-mono text-xs">
          {t.searchTrial}
          {t.id === search.bestTrainingRunId && (
            <Badge variant="success" className="ml-2">
              best
            </Badge>
          )}
        </span>
      ),
    },
    { label: "Status", cell: (t) => (t.status === "running" && t.progress ? `epoch ${t.progress.epoch}/${t.progress.epochs}` : t.status) },
    { label: "Budget", sort: "rung", cell: (t) => resourceLabel(detail, t.rung) },
    { label: "Validation", sort: "validation", numeric: true, cell: (t) => formatAccuracyOn(t.validationAccuracy, validationN) },
    { label: "Holdout", sort: "holdout", numeric: true, cell: (t) => formatAccuracyOn(t.holdoutAccuracy, holdoutRecords) },
    { label: "Train time", sort: "seconds", numeric: true, cell: (t) => (t.trainSeconds === null ? "–" : `${t.trainSeconds.toFixed(1)} s`) },
    ...dimensions.map(({ name }) => ({ label: name, numeric: true, cell: (t: SearchTrial) => formatValue(t.hyperparameters[name]) })),
    {
      label: "Error",
      cell: (t) =>
        t.error ? (
          <span className="text-xs text-destructive" title={t.error}>
            {t.error.slice(0, 80)}
          </span>
        ) : null,
    },
  ];
  const chartTrials: ChartTrial[] = trials
    .filter((t) => t.status === "succeeded" && t.validationAccuracy !== null && t.finishedAt)
    .map((t) => ({
      key: t.searchTrial ?? String(t.id),
      rung: t.rung ?? 0,
      validationAccuracy: t.validationAccuracy!,
      hyperparameters: t.hyperparameters,
      finishedMinutes: (new Date(t.finishedAt!).getTime() - started) / 60_000,
    }));
  const spentPercent = Math.min(100, Math.round((search.spentSeconds / search.budgetSeconds) * 100));

  return (
    <>
      <RefreshWhile active={running} ms={2000} />
      <PageHeader
        title={`Hyperparameter search ${search.id}: ${search.algorithm}`}
        description="Random configurations of the family's declared space, trained with successive halving: each rung trains the best third of the one before on three times the budget. Trials are scored on a validation split of the training data; the holdout stays for the promotion gate, which judges the best trial like any pipeline candidate."
      />
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle className="flex items-center gap-2 text-base">
              Status <SearchStatusBadge status={search.status} />
            </CardTitle>
          </CardHeader>
          <CardContent className="space-y-2 text-sm">
            <ProgressBar percent={spentPercent} label="Share of the time budget spent" />
            <p data-testid="search-budget">
              {(search.spentSeconds / 60).toFixed(1)} of {(search.budgetSeconds / 60).toFixed(1)} min spent on {search.trialCount} trials
            </p>
            <p className="text-muted-foreground">Started {formatDateTime(search.startedAt)}</p>
            {search.error && <p className="text-destructive">{search.error}</p>}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle className="text-base">Best trial</CardTitle>
          </CardHeader>
          <CardContent className="space-y-2 text-sm">
            <p data-testid="search-best">
              {search.bestValidationAccuracy === null
                ? "No trial has finished yet."
                : `validation ${formatAccuracyOn(search.bestValidationAccuracy, validationN)}`}
            </p>
            {search.modelVersionId !== null && (
              <p>
                Registered as{" "}
                <Link href={`/models/${search.modelVersionId}`} className="underline underline-offset-4">
                  model version {search.modelVersionId}
                </Link>
              </p>
            )}
            {detail.decision && (
              <p data-testid="search-decision">
                <Badge variant={detail.decision.decision === "promoted" ? "success" : "secondary"}>{detail.decision.decision}</Badge> {detail.decision.reason}
              </p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle className="text-base">Plan</CardTitle>
          </CardHeader>
          <CardContent className="space-y-1 text-sm">
            <p>
              Trained on dataset version {search.trainVersionId ?? "–"}, validation split {validationN} images (seed {search.seed})
            </p>
            {search.strategy.brackets.length === 0 ? (
              <p className="text-muted-foreground">The first trial measures the time a trial takes; the brackets are planned from it.</p>
            ) : (
              <ul className="list-inside list-disc">
                {search.strategy.brackets.map((b, i) => (
                  <li key={i}>
                    bracket {i}: {b.configurations} configurations over {b.rungs.map((r) => resourceLabel(detail, r)).join(" → ")}
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle className="text-base">Hyperparameters and scores</CardTitle>
        </CardHeader>
        <CardContent>
          {chartTrials.length === 0 ? (
            <EmptyState title="No finished trial yet">The charts fill in as trials finish.</EmptyState>
          ) : (
            <SearchCharts
              trials={chartTrials}
              dimensions={dimensions}
              rungLabels={search.strategy.space.resource.rungs.map((_, r) => resourceLabel(detail, r))}
            />
          )}
        </CardContent>
      </Card>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle className="text-base">Trials ({trials.length})</CardTitle>
        </CardHeader>
        <CardContent>
          {trials.length === 0 ? (
            <EmptyState title="No trial has started yet" />
          ) : (
            <DataTable
              rows={sorted}
              rowKey={(t) => t.id}
              columns={columns}
              sorting={{ base: `/training/searches/${search.id}`, query }}
              testId="search-trials"
            />
          )}
        </CardContent>
      </Card>
    </>
  );
}
