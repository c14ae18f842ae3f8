import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ImportStatusBadge } from "@/components/admin/import-status";
import { ProgressBar } from "@/components/admin/progress-bar";
import { RefreshWhile } from "@/components/admin/refresh-while";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getImport } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Import ${(await params).id}` };
}

const REASONS: Record<string, string> = {
  duplicate: "duplicate (same image already in the lab or in this batch)",
  undecodable: "not a readable image",
  unknown_label: "label neither 0-9 nor one of the ten hiragana",
  no_ink: "no ink found",
  missing_image: "listed in labels.csv but not in the zip",
  not_labelled: "in the zip but not in labels.csv",
  formula: "a cell that a spreadsheet would run as a formula",
};

/** One import: its progress while it runs (the page refreshes itself), then the report and a preview of what the model will see. */
export default async function ImportPage({ params }: Params) {
  const id = rowIdOrNull((await params).id);
  const row = id === null ? null : await getImport(await getDb(), id);
  if (!row) notFound();
  const running = row.status === "pending" || row.status === "running";
  const report = row.report;
  const percent = row.progress && row.progress.total > 0 ? Math.round((row.progress.done / row.progress.total) * 100) : 0;
  return (
    <>
      <RefreshWhile active={running} />
      <PageHeader
        title={`Import #${row.id} into ${row.source}`}
        description={`${formatCount(row.bytes)} bytes (${row.format}) sent by ${row.actor} on ${formatDateTime(row.createdAt)}.`}
      >
        <Link href="/admin/imports" className="text-sm underline-offset-4 hover:underline">
          All imports
        </Link>
      </PageHeader>
      <div className="mb-6 flex flex-wrap items-center gap-3 text-sm" data-testid="import-status">
        <ImportStatusBadge status={row.status} />
        {running && (row.progress ? `${formatCount(row.progress.done)} of ${formatCount(row.progress.total)} images read` : "waiting for the import job")}
        {row.finishedAt && <span className="text-muted-foreground">finished {formatDateTime(row.finishedAt)}</span>}
      </div>
      {running && (
        <div className="mb-6 max-w-xl">
          <ProgressBar percent={percent} label="Import progress" />
        </div>
      )}
      {report?.rejected && (
        <p role="alert" className="mb-6 rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          The batch was refused as a whole ({report.rejected.code}): {report.rejected.message}. Nothing was added.
        </p>
      )}
      {report && !report.rejected && (
        <div className="space-y-6">
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="import-report">
            {[
              ["Accepted", report.accepted],
              ["Train (80 %)", report.splits.train],
              ["Holdout (20 %)", report.splits.holdout],
              ["Refused", Object.values(report.refusedByReason).reduce((a, b) => a + (b ?? 0), 0)],
            ].map(([label, value]) => (
              <div key={label} className="rounded-lg border p-3">
                <div className="text-xs text-muted-foreground">{label}</div>
                <div className="mt-1 text-lg font-semibold tabular-nums">{formatCount(Number(value))}</div>
              </div>
            ))}
          </div>
          <p className="text-sm">
            Tags over this source:{" "}
            <Link href={`/datasets/${report.tags.train}`} className="underline">
              {report.tags.train}
            </Link>{" "}
            (part of the training tag) and{" "}
            <Link href={`/datasets/${report.tags.holdout}`} className="underline">
              {report.tags.holdout}
            </Link>{" "}
            (benchmarked by every model).
          </p>
          {report.preview.length > 0 && (
            <Card>
              <CardHeader>
                <CardTitle>What the model will see</CardTitle>
                <CardDescription>The first {report.preview.length} accepted images after preprocessing, with their labels and split.</CardDescription>
              </CardHeader>
              <CardContent>
                <ul className="grid grid-cols-[repeat(auto-fill,minmax(5.5rem,1fr))] gap-3" data-testid="import-preview">
                  {report.preview.map((p) => (
                    <li key={p.item} className="rounded-lg border p-2 text-center text-xs">
                      {/* eslint-disable-next-line @next/next/no-img-element -- a 28x28 data URL: nothing for next/image to optimise */}
                      <img
                        src={p.png}
                        alt={`${p.item}: ${KMNIST_CLASSES[p.label].char}`}
                        width={56}
                        height={56}
                        className="mx-auto [image-rendering:pixelated]"
                      />
                      <div className="mt-1 text-base">{KMNIST_CLASSES[p.label].char}</div>
                      <div className="truncate text-muted-foreground" title={p.item}>
                        {p.split}
                      </div>
                    </li>
                  ))}
                </ul>
              </CardContent>
            </Card>
          )}
          {report.refused.length > 0 && (
            <Card>
              <CardHeader>
                <CardTitle>Refused</CardTitle>
                <CardDescription>
                  {Object.entries(report.refusedByReason)
                    .map(([reason, n]) => `${formatCount(n ?? 0)} ${REASONS[reason] ?? reason}`)
                    .join("; ")}
                  {report.refused.length < Object.values(report.refusedByReason).reduce((a, b) => a + (b ?? 0), 0)
                    ? `. The first ${report.refused.length} are listed.`
                    : "."}
                </CardDescription>
              </CardHeader>
              <CardContent className="overflow-x-auto">
                <Table data-testid="import-refused">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Item</TableHead>
                      <TableHead>Reason</TableHead>
                      <TableHead>Detail</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {report.refused.map((r, i) => (
                      <TableRow key={i}>
                        <TableCell className="font-mono text-xs break-all">{r.item}</TableCell>
                        <TableCell>{r.reason}</TableCell>
                        <TableCell className="text-xs whitespace-normal text-muted-foreground">{r.detail}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </CardContent>
            </Card>
          )}
        </div>
      )}
      {!report && !running && <EmptyState title="No report">{row.error ?? "This import ended without a report."}</EmptyState>}
    </>
  );
}
