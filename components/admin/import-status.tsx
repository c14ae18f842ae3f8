import { Badge } from "@/components/ui/badge";
import type { DatasetImport } from "@/lib/data";

const VARIANTS = { pending: "secondary", running: "warning", done: "success", failed: "destructive" } as const;

export function ImportStatusBadge({ status }: { status: DatasetImport["status"] }) {
  return <Badge variant={VARIANTS[status]}>{status}</Badge>;
}
