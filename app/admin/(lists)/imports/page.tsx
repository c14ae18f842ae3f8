import type { Metadata } from "next";
import Link from "next/link";
import { ImportForm } from "@/components/admin/import-form";
import { ImportStatusBadge } from "@/components/admin/import-status";
import { DataTable } from "@/components/data-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { config } from "@/lib/config";
import { importableSources, listImports } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Import data" };
export const dynamic = "force-dynamic";

export default async function ImportsPage() {
  const db = await getDb();
  const [imports, sources] = await Promise.all([listImports(db), importableSources(db)]);
  return (
    <>
      <PageHeader
        title="Import labelled data"
        description="New handwriting for the lab: every image is preprocessed exactly as a prediction would be (the 28x28 the model sees is what is stored), duplicates of records already here are refused, and the rest joins its source, split 80/20 into train and holdout by a hash of each image. The holdout part is benchmarked by every model; the train part joins the training tag, and enough new records trigger a retraining."
      />
      <Card className="mb-6">
        <CardContent className="pt-6">
          <ImportForm sources={sources} maxBytes={config().importMaxBytes} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Recent imports</CardTitle>
        </CardHeader>
        <CardContent>
          {imports.length === 0 ? (
            <EmptyState title="No import yet">Imports appear here with their status and report.</EmptyState>
          ) : (
            <DataTable
              rows={imports}
              rowKey={(r) => r.id}
              testId="imports-table"
              columns={[
                {
                  label: "Import",
                  cell: (r) => (
                    <Link href={`/admin/imports/${r.id}`} className="font-medium underline-offset-4 hover:underline">
                      #{r.id}
                    </Link>
                  ),
                },
                { label: "Source", cell: (r) => r.source },
                { label: "Status", cell: (r) => <ImportStatusBadge status={r.status} /> },
                { label: "Accepted", numeric: true, cell: (r) => (r.report ? formatCount(r.report.accepted) : "—") },
                {
                  label: "Refused",
                  numeric: true,
                  cell: (r) => (r.report ? formatCount(Object.values(r.report.refusedByReason).reduce((a, b) => a + (b ?? 0), 0)) : "—"),
                },
                { label: "By", cell: (r) => r.actor },
                { label: "Queued", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.createdAt) },
              ]}
            />
          )}
        </CardContent>
      </Card>
    </>
  );
}
