import Link from "next/link";
import type { z } from "zod";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { TableHead } from "@/components/ui/table";
import { formatCount } from "@/lib/format";

type QueryValues = Record<string, string | number | undefined>;

/** `base` with the current query and some parameters changed: every table state is a shareable URL. */
export function hrefWith(base: string, query: QueryValues, changes: QueryValues = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) if (value !== undefined && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/** A column header that sorts by `column`; a second click reverses the order. */
export function SortableHead({
  base,
  query,
  column,
  label,
  numeric,
}: {
  base: string;
  query: QueryValues & { sort: string; order: "asc" | "desc" };
  column: string;
  label: string;
  numeric?: boolean;
}) {
  const active = query.sort === column;
  const order = active && query.order === "desc" ? "asc" : "desc";
  return (
    <TableHead className={numeric ? "text-right" : undefined} aria-sort={active ? (query.order === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={hrefWith(base, query, { sort: column, order, page: 1 })} className="hover:underline">
        {label}
        {active ? (query.order === "asc" ? " ↑" : " ↓") : ""}
      </Link>
    </TableHead>
  );
}

export function Pagination({
  base,
  query,
  page,
  pages,
  total,
  noun,
}: {
  base: string;
  query: QueryValues;
  page: number;
  pages: number;
  total: number;
  noun: string;
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm text-muted-foreground">
      <span>
        {formatCount(total)} {noun}
        {total === 1 ? "" : "s"} · page {page} of {pages}
      </span>
      <span className="flex gap-2">
        {page > 1 && (
          <Button asChild variant="outline" size="sm">
            <Link href={hrefWith(base, query, { page: page - 1 })}>Previous</Link>
          </Button>
        )}
        {page < pages && (
          <Button asChild variant="outline" size="sm">
            <Link href={hrefWith(base, query, { page: page + 1 })}>Next</Link>
          </Button>
        )}
      </span>
    </nav>
  );
}

/** The string-valued search params of a page (repeated keys and empty values dropped). */
export function singleValues(params: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}

/** A list page whose URL holds filters that do not validate: says which, and how to reset. */
export function InvalidFilters({ title, error, resetHref, resetLabel }: { title: string; error: z.ZodError; resetHref: string; resetLabel: string }) {
  return (
    <>
      <PageHeader title={title} />
      <EmptyState title="These filters are not valid">
        {error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.{" "}
        <Link href={resetHref} className="underline">
          {resetLabel}
        </Link>
      </EmptyState>
    </>
  );
}

/**
 * A table's filter form: a GET to `action` that keeps the current sort (if any), with Filter and,
 * while filters are set, Clear. The fields are the children.
 */
export function FilterForm({
  action,
  sort,
  order,
  filtered,
  children,
}: {
  action: string;
  sort?: string;
  order?: string;
  filtered: boolean;
  children: React.ReactNode;
}) {
  return (
    <form className="mb-4 flex flex-wrap items-end gap-2 text-sm" action={action}>
      {children}
      {sort && <input type="hidden" name="sort" value={sort} />}
      {order && <input type="hidden" name="order" value={order} />}
      <Button type="submit" size="sm">
        Filter
      </Button>
      {filtered && (
        <Button asChild variant="ghost" size="sm">
          <Link href={action}>Clear</Link>
        </Button>
      )}
    </form>
  );
}
