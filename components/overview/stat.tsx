import Link from "next/link";
import { formatCount } from "@/lib/format";

/** One count on the overview, linking to the list it counts. */
export function Stat({ label, value, href, testId }: { label: string; value: number; href?: string; testId: string }) {
  const body = (
    <>
      <div className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {formatCount(value)}
      </div>
      <div className="text-xs text-muted-foreground">{label}</div>
    </>
  );
  return (
    <div className="rounded-xl border bg-card p-4">
      {href ? (
        <Link href={href} className="block hover:underline">
          {body}
        </Link>
      ) : (
        body
      )}
    </div>
  );
}
