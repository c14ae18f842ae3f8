import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { removeRow, saveRow } from "@/app/admin/actions";
import { DeleteRowForm, EditRowForm } from "@/components/admin/row-forms";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ADMIN_TABLES, deletePreview, getRow, isAdminTable, type Dependent } from "@/lib/admin";
import { listTags } from "@/lib/data";
import { getDb } from "@/lib/db";
import { rowIdOrNull } from "@/lib/http";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ table: string; id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { table, id } = await params;
  return { title: `${isAdminTable(table) ? ADMIN_TABLES[table].label : "Row"} ${id.slice(0, 12)}` };
}

function DependentList({ items }: { items: Dependent[] }) {
  return (
    <ul className="ml-4 list-disc space-y-1">
      {items.map((d) => (
        <li key={`${d.table}.${d.column}`}>
          <span className="font-mono">{d.table}</span>: {d.rows} row{d.rows === 1 ? "" : "s"} (via {d.column}){" "}
          {d.rule === "cascade" ? (
            "deleted with it"
          ) : d.rule === "set null" ? (
            "keep, with the reference cleared"
          ) : (
            <strong className="text-destructive">block the delete</strong>
          )}
          {d.dependents.length > 0 && <DependentList items={d.dependents} />}
        </li>
      ))}
    </ul>
  );
}

const cascaded = (items: Dependent[]): number => items.reduce((n, d) => n + (d.rule === "cascade" ? d.rows + cascaded(d.dependents) : 0), 0);
const blocking = (items: Dependent[]): boolean => items.some((d) => d.rule === "restrict" || blocking(d.dependents));

export default async function RowPage({ params }: Props) {
  const { table, id } = await params;
  const rowId = rowIdOrNull(id);
  if (!isAdminTable(table) || rowId === null) notFound();
  const db = await getDb();
  const row = await getRow(db, table, rowId);
  if (!row) notFound();
  const spec = ADMIN_TABLES[table];
  const [preview, tags] = await Promise.all([deletePreview(db, table, rowId), spec.fields.some((f) => f.kind === "tag") ? listTags(db) : Promise.resolve([])]);
  const extra = cascaded(preview);
  return (
    <>
      <PageHeader title={`${spec.label} · row ${rowId}`} description={`Table ${table}.`}>
        <Link href={`/admin/data/${table}`} className="text-sm underline-offset-4 hover:underline">
          Back to {spec.label.toLowerCase()}
        </Link>
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Values</CardTitle>
          </CardHeader>
          <CardContent>
            <pre className="max-h-[32rem] overflow-auto rounded bg-muted p-3 text-xs break-all whitespace-pre-wrap" data-testid="row-values">
              {JSON.stringify(row, null, 2)}
            </pre>
          </CardContent>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Edit</CardTitle>
              <CardDescription>
                {spec.fields.length ? "Only these columns can be changed here; each is validated." : "This table is read-only here."}
              </CardDescription>
            </CardHeader>
            {spec.fields.length > 0 && (
              <CardContent>
                <EditRowForm
                  table={table}
                  id={String(rowId)}
                  fields={spec.fields.map((f) => ({ ...f, value: String(row[f.key] ?? "") }))}
                  tags={tags.map((t) => t.name)}
                  action={saveRow}
                />
              </CardContent>
            )}
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Delete</CardTitle>
              <CardDescription>What would go with this row, from the database&apos;s foreign keys.</CardDescription>
            </CardHeader>
            <CardContent className="space-y-4 text-sm">
              {preview.length === 0 ? (
                <p data-testid="cascade-preview">Nothing else refers to this row.</p>
              ) : (
                <div data-testid="cascade-preview">
                  <DependentList items={preview} />
                </div>
              )}
              <DeleteRowForm
                table={table}
                id={String(rowId)}
                blocked={blocking(preview)}
                summary={extra ? `this row and ${extra} dependent row${extra === 1 ? "" : "s"}` : "this row"}
                action={removeRow}
              />
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
