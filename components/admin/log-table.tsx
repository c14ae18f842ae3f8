import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { LogRow } from "@/lib/admin";
import { formatDateTime } from "@/lib/format";

const LEVEL_VARIANTS = { debug: "outline", info: "secondary", warn: "warning", error: "destructive" } as const;

/** Log rows with their level, component, message and (folded) context. */
export function LogTable({ rows }: { rows: LogRow[] }) {
  return (
    <Table data-testid="log-table">
      <TableHeader>
        <TableRow>
          <TableHead>Time</TableHead>
          <TableHead>Level</TableHead>
          <TableHead>Component</TableHead>
          <TableHead>Message</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.id}>
            <TableCell className="align-top text-xs whitespace-nowrap">{formatDateTime(row.ts)}</TableCell>
            <TableCell className="align-top">
              <Badge variant={LEVEL_VARIANTS[row.level]}>{row.level}</Badge>
            </TableCell>
            <TableCell className="align-top font-mono text-xs">{row.component}</TableCell>
            <TableCell className="max-w-xl align-top text-sm">
              <div className="break-words">{row.message}</div>
              {row.context && (
                <details className="mt-1 text-xs text-muted-foreground">
                  <summary className="cursor-pointer">context</summary>
                  <pre className="mt-1 max-h-48 overflow-auto rounded bg-muted p-2 break-all whitespace-pre-wrap">{JSON.stringify(row.context, null, 2)}</pre>
                </details>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
