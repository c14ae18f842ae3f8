import type { Metadata } from "next";
import { LogTable } from "@/components/admin/log-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { FilterForm, InvalidFilters, Pagination, singleValues } from "@/components/table-controls";
import { listLogs, LOG_LEVELS, logQuerySchema } from "@/lib/admin";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Logs" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LogsPage({ searchParams }: Props) {
  const raw = singleValues(await searchParams);
  const parsed = logQuerySchema.safeParse(raw);
  if (!parsed.success) return <InvalidFilters title="Logs" error={parsed.error} resetHref="/admin/logs" resetLabel="Show all logs" />;
  const query = parsed.data;
  const page = await listLogs(await getDb(), query);
  const filtered = Boolean(query.level || query.component || query.q);
  return (
    <>
      <PageHeader title="Logs" description="Warnings and errors from every component (info and debug lines go to the console only), newest first." />
      <FilterForm action="/admin/logs" filtered={filtered}>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted-foreground">Level and above</span>
          <select name="level" defaultValue={query.level ?? ""} className="h-9 rounded-md border bg-background px-2">
            <option value="">any</option>
            {LOG_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted-foreground">Component</span>
          <select name="component" defaultValue={query.component ?? ""} className="h-9 rounded-md border bg-background px-2">
            <option value="">any</option>
            {page.components.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs text-muted-foreground">Search</span>
          <input name="q" defaultValue={query.q} placeholder="message or context" className="h-9 rounded-md border bg-background px-3" />
        </label>
      </FilterForm>
      {page.rows.length === 0 ? (
        <EmptyState title={filtered ? "No log lines match these filters" : "No warnings or errors logged yet"} />
      ) : (
        <>
          <LogTable rows={page.rows} />
          <Pagination base="/admin/logs" query={query} page={page.page} pages={page.pages} total={page.total} noun="log line" />
        </>
      )}
    </>
  );
}
