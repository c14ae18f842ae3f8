import type { Metadata } from "next";
import Link from "next/link";
import { ReviewGrid } from "@/components/admin/review-grid";
import { EmptyState, PageHeader } from "@/components/page-header";
import { hrefWith, Pagination } from "@/components/table-controls";
import { Button } from "@/components/ui/button";
import { getDb } from "@/lib/db";
import { formatCount } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { reviewQuerySchema, reviewQueue } from "@/lib/monitoring";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Review feedback" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The feedback review queue: nothing people answered trains a model before it is approved here (or by FEEDBACK_AUTO_APPROVE). */
export default async function ReviewPage({ searchParams }: Props) {
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  const parsed = reviewQuerySchema.safeParse(raw);
  if (!parsed.success) {
    return (
      <>
        <PageHeader title="Review feedback" />
        <EmptyState title="These filters are not valid">
          {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.{" "}
          <Link href="/admin/review" className="underline">
            Clear them
          </Link>
        </EmptyState>
      </>
    );
  }
  const query = parsed.data;
  const queue = await reviewQueue(await getDb(), query);
  const state = { ...raw };
  return (
    <>
      <PageHeader
        title="Review feedback"
        description="What people answered on the predict page, as the model saw it. Approved answers join the feedback source (split 80/20 by hash) at the next monitoring run; rejected ones never reach any dataset tag and are counted here."
      />
      <nav aria-label="Review status" className="mb-4 flex flex-wrap gap-1 text-sm" data-testid="review-status">
        {(["pending", "approved", "rejected"] as const).map((status) => (
          <Link
            key={status}
            href={hrefWith("/admin/review", {}, { status })}
            aria-current={query.status === status ? "page" : undefined}
            className={cn("rounded-md border px-2 py-1", query.status === status ? "bg-primary text-primary-foreground" : "hover:bg-muted")}
          >
            {status} ({formatCount(queue.counts[status])})
          </Link>
        ))}
      </nav>
      <form action="/admin/review" className="mb-4 flex flex-wrap items-end gap-2 text-sm" data-testid="review-filters">
        <input type="hidden" name="status" value={query.status} />
        {(
          [
            ["label", "Proposed class"],
            ["predicted", "Model's class"],
          ] as const
        ).map(([name, label]) => (
          <label key={name} className="flex flex-col gap-1">
            <span className="text-muted-foreground">{label}</span>
            <select name={name} defaultValue={raw[name] ?? ""} className="h-9 rounded-md border bg-background px-2">
              <option value="">any</option>
              {KMNIST_CLASSES.map((c) => (
                <option key={c.label} value={c.label}>
                  {c.char}
                </option>
              ))}
            </select>
          </label>
        ))}
        {(
          [
            ["minConfidence", "Confidence from"],
            ["maxConfidence", "to"],
          ] as const
        ).map(([name, label]) => (
          <label key={name} className="flex flex-col gap-1">
            <span className="text-muted-foreground">{label}</span>
            <input
              name={name}
              type="number"
              min={0}
              max={1}
              step={0.05}
              defaultValue={raw[name] ?? ""}
              className="h-9 w-24 rounded-md border bg-background px-2"
            />
          </label>
        ))}
        <Button type="submit" size="sm">
          Filter
        </Button>
        <Link href={hrefWith("/admin/review", {}, { status: query.status })} className="py-2 underline-offset-4 hover:underline">
          Clear
        </Link>
      </form>
      {queue.rows.length === 0 ? (
        <EmptyState title={query.status === "pending" ? "Nothing to review" : `No ${query.status} feedback`}>
          {query.status === "pending" ? "New answers from the predict page appear here." : "Try another filter."}
        </EmptyState>
      ) : (
        <>
          <ReviewGrid items={queue.rows} />
          <Pagination base="/admin/review" query={state} page={queue.page} pages={queue.pages} total={queue.total} noun="answer" />
        </>
      )}
    </>
  );
}
