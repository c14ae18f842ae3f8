import type { ReactNode } from "react";
import { SortableHead } from "@/components/table-controls";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/** One column of a table of rows: its header, its cell, and (optionally) the sort key its header switches to. */
export interface Column<R> {
  label: string;
  cell(row: R): ReactNode;
  numeric?: boolean;
  /** The list query's sort value; with `sorting` the header becomes a sort link. */
  sort?: string;
  className?: string;
}

interface Sorting {
  base: string;
  query: Record<string, string | number | undefined> & { sort: string; order: "asc" | "desc" };
}

/** Every table of rows in the app (benchmarks, models, ...): columns chosen by the page, cells defined once per kind of row. */
export function DataTable<R>({
  rows,
  columns,
  rowKey,
  sorting,
  testId,
}: {
  rows: R[];
  columns: Array<Column<R>>;
  rowKey: (row: R) => string | number;
  sorting?: Sorting;
  testId?: string;
}) {
  return (
    <div className="overflow-x-auto">
      <Table data-testid={testId}>
        <TableHeader>
          <TableRow>
            {columns.map((column) =>
              sorting && column.sort ? (
                <SortableHead key={column.label} base={sorting.base} query={sorting.query} column={column.sort} label={column.label} numeric={column.numeric} />
              ) : (
                <TableHead key={column.label} className={column.numeric ? "text-right" : undefined}>
                  {column.label}
                </TableHead>
              ),
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={rowKey(row)}>
              {columns.map((column) => (
                <TableCell key={column.label} className={cn(column.numeric && "text-right tabular-nums", column.className)}>
                  {column.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
