import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { formatDateTime, formatEstimate, formatSampleSize } from "@/lib/format";
import { wilsonInterval } from "@/lib/metrics";
import type { HyperparameterSearch } from "@/lib/pipeline";

const STATUS_VARIANT = { running: "warning", succeeded: "success", failed: "destructive", interrupted: "secondary" } as const;

export function SearchStatusBadge({ status }: { status: HyperparameterSearch["status"] }) {
  return <Badge variant={STATUS_VARIANT[status]}>{status}</Badge>;
}

/** An accuracy on `n` images with its 95 % Wilson interval and n, or a dash before there is one. */
export function formatAccuracyOn(accuracy: number | null, n: number | null): string {
  if (accuracy === null || !n) return "–";
  return `${formatEstimate(accuracy, wilsonInterval(Math.round(accuracy * n), n))} (${formatSampleSize(n)})`;
}

/** Recent hyperparameter searches, each linking to its live page. */
export function SearchList({ searches }: { searches: HyperparameterSearch[] }) {
  if (searches.length === 0) {
    return (
      <EmptyState title="No hyperparameter search yet">
        Start one here, or run <code className="rounded bg-muted px-1">npm run train -- --search cnn --budget 30m</code>.
      </EmptyState>
    );
  }
  return (
    <DataTable
      rows={searches}
      rowKey={(s) => s.id}
      testId="searches-table"
      columns={[
        {
          label: "Search",
          cell: (s) => (
            <Link href={`/training/searches/${s.id}`} className="font-medium underline-offset-4 hover:underline">
              #{s.id} {s.algorithm}
            </Link>
          ),
        },
        { label: "Status", cell: (s) => <SearchStatusBadge status={s.status} /> },
        { label: "Trials", numeric: true, cell: (s) => s.trialCount },
        {
          label: "Best validation",
          numeric: true,
          cell: (s) => formatAccuracyOn(s.bestValidationAccuracy, s.validationCount),
        },
        { label: "Time", numeric: true, cell: (s) => `${(s.spentSeconds / 60).toFixed(1)} / ${(s.budgetSeconds / 60).toFixed(0)} min` },
        { label: "Started", cell: (s) => formatDateTime(s.startedAt) },
      ]}
    />
  );
}
