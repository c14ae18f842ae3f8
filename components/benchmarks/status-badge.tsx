import { Badge } from "@/components/ui/badge";

const VARIANTS = { done: "success", failed: "destructive", running: "warning", pending: "secondary" } as const;

export function BenchmarkStatusBadge({ status }: { status: keyof typeof VARIANTS }) {
  return <Badge variant={VARIANTS[status]}>{status}</Badge>;
}
