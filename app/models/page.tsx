import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { formatDateTime, formatPercent } from "@/lib/format";
import { listModelVersions } from "@/lib/registry";

export const metadata: Metadata = { title: "Models" };
export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const versions = await listModelVersions(await getDb(), 100);
  return (
    <>
      <PageHeader title="Models" description="Every registered model version with the holdout accuracy measured when it was trained." />
      {versions.length === 0 ? (
        <EmptyState title="No models registered yet">
          Run <code className="rounded bg-muted px-1">npm run train -- --algorithm cnn</code>, or start the app, which trains one model of each family on
          first start.
        </EmptyState>
      ) : (
        <Table data-testid="models-table">
          <TableHeader>
            <TableRow>
              <TableHead>Model</TableHead>
              <TableHead>Algorithm</TableHead>
              <TableHead>Author</TableHead>
              <TableHead>Dataset tag</TableHead>
              <TableHead className="text-right">Holdout accuracy</TableHead>
              <TableHead>Backend</TableHead>
              <TableHead>Created</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {versions.map((v) => (
              <TableRow key={v.id}>
                <TableCell className="font-medium">
                  {v.name}@{v.version}
                </TableCell>
                <TableCell>
                  <Badge variant="secondary">{v.algorithm}</Badge>
                </TableCell>
                <TableCell>{v.author}</TableCell>
                <TableCell>{v.datasetTag}</TableCell>
                <TableCell className="text-right tabular-nums">{v.holdoutAccuracy === null ? "—" : formatPercent(v.holdoutAccuracy)}</TableCell>
                <TableCell>{v.backend ?? "—"}</TableCell>
                <TableCell>{formatDateTime(v.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}
