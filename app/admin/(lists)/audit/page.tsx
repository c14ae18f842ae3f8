import type { Metadata } from "next";
import { z } from "zod";
import { cellText } from "@/components/admin/cell-value";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, InvalidFilters, Pagination, singleValues } from "@/components/table-controls";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listAudit } from "@/lib/admin";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { paging, searchText } from "@/lib/http";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

const querySchema = z
  .object({
    page: paging.page,
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    entity: searchText,
  })
  .strict();

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AuditPage({ searchParams }: Props) {
  const raw = singleValues(await searchParams);
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) return <InvalidFilters title="Audit log" error={parsed.error} resetHref="/admin/audit" resetLabel="Show the whole audit log" />;
  const query = parsed.data;
  const page = await listAudit(await getDb(), query);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through the admin area and the registry (promotions, uploads, edits, deletes): who, when, and the values before and after."
      />
      <FilterForm action="/admin/audit" filtered={Boolean(query.entity)}>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted-foreground">Table / entity</span>
          <input name="entity" defaultValue={query.entity} placeholder="e.g. model_versions" className="h-9 rounded-md border bg-background px-3" />
        </label>
      </FilterForm>
      {page.rows.length === 0 ? (
        <EmptyState title={query.entity ? "No changes to this entity yet" : "No changes recorded yet"} />
      ) : (
        <div className="overflow-x-auto">
          <Table data-testid="audit-table">
            <TableHeader>
              <TableRow>
                <TableHead>Time</TableHead>
                <TableHead>Who</TableHead>
                <TableHead>Action</TableHead>
                <TableHead>Entity</TableHead>
                <TableHead>Before</TableHead>
                <TableHead>After</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {page.rows.map((row) => (
                <TableRow key={row.id}>
                  <TableCell className="text-xs whitespace-nowrap">{formatDateTime(row.ts)}</TableCell>
                  <TableCell>{row.actor}</TableCell>
                  <TableCell>
                    <Badge variant={row.action === "delete" ? "destructive" : "secondary"}>{row.action}</Badge>
                  </TableCell>
                  <TableCell className="font-mono text-xs">
                    {row.entity} {row.entityId}
                  </TableCell>
                  <TableCell className="max-w-xs font-mono text-xs break-all" title={JSON.stringify(row.before)}>
                    {cellText(row.before, 160)}
                  </TableCell>
                  <TableCell className="max-w-xs font-mono text-xs break-all" title={JSON.stringify(row.after)}>
                    {cellText(row.after, 160)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <Pagination base="/admin/audit" query={query} page={page.page} pages={page.pages} total={page.total} noun="change" />
    </>
  );
}
