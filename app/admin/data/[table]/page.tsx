import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cellText } from "@/components/admin/cell-value";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, InvalidFilters, Pagination, singleValues } from "@/components/table-controls";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ADMIN_TABLES, isAdminTable, listColumns, listRows, tableQuerySchema } from "@/lib/admin";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ table: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { table } = await params;
  return { title: isAdminTable(table) ? ADMIN_TABLES[table].label : "Database" };
}

export default async function TablePage({ params, searchParams }: Props) {
  const { table } = await params;
  if (!isAdminTable(table)) notFound();
  const { deleted, ...raw } = singleValues(await searchParams);
  const base = `/admin/data/${table}`;
  const parsed = tableQuerySchema.safeParse(raw);
  if (!parsed.success) return <InvalidFilters title={ADMIN_TABLES[table].label} error={parsed.error} resetHref={base} resetLabel="Show all rows" />;
  const query = parsed.data;
  const page = await listRows(await getDb(), table, query);
  const columns = listColumns(table);
  return (
    <>
      <PageHeader title={ADMIN_TABLES[table].label} description={`Table ${table}, newest first. Open a row to edit or delete it.`}>
        <Link href="/admin/data" className="text-sm underline-offset-4 hover:underline">
          All tables
        </Link>
      </PageHeader>
      {deleted && (
        <p role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Row {deleted.slice(0, 20)} was deleted; the audit log holds its values.
        </p>
      )}
      <FilterForm action={base} filtered={Boolean(query.q)}>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted-foreground">Search</span>
          <input name="q" defaultValue={query.q} className="h-9 rounded-md border bg-background px-3" />
        </label>
      </FilterForm>
      {page.rows.length === 0 ? (
        <EmptyState title={query.q ? "No rows match this search" : "This table is empty"} />
      ) : (
        <div className="overflow-x-auto">
          <Table data-testid="admin-rows">
            <TableHeader>
              <TableRow>
                {columns.map((c) => (
                  <TableHead key={c.key} className="font-mono text-xs">
                    {c.column}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {page.rows.map((row) => (
                <TableRow key={String(row.id)}>
                  {columns.map((c, i) => (
                    <TableCell key={c.key} className="max-w-xs truncate text-sm">
                      {i === 0 ? (
                        <Link href={`${base}/${row.id}`} className="font-medium underline underline-offset-4">
                          {cellText(row[c.key])}
                        </Link>
                      ) : (
                        cellText(row[c.key])
                      )}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <Pagination base={base} query={query} page={page.page} pages={page.pages} total={page.total} noun="row" />
    </>
  );
}
