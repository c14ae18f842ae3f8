"use client";

import { Check, Loader2, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { formatPercent } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { cn } from "@/lib/utils";

export interface ReviewItem {
  id: string;
  predicted: number;
  confidence: number;
  label: number | null;
  kind: "confirmed" | "corrected" | "none";
  status: "pending" | "approved" | "rejected";
  reviewedBy: string | null;
  ingested: boolean;
  png: string;
}

/** The queue's images with a checkbox each and bulk approve / reject of the selection (POST /api/admin/feedback/review). */
export function ReviewGrid({ items }: { items: ReviewItem[] }) {
  const router = useRouter();
  const changeable = items.filter((i) => !i.ingested);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  async function decide(decision: "approve" | "reject") {
    setState({ busy: true, message: null, error: false });
    try {
      const response = await fetch("/api/admin/feedback/review", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: [...selected], decision }),
      });
      const body = (await response.json()) as { changed?: number; unchanged?: number; error?: { message: string } };
      if (!response.ok) throw new Error(body.error?.message ?? `The server answered ${response.status}.`);
      setState({
        busy: false,
        error: false,
        message: `${decision === "approve" ? "Approved" : "Rejected"} ${body.changed}${body.unchanged ? ` (${body.unchanged} could not change: already ingested)` : ""}.`,
      });
      setSelected(new Set());
      router.refresh();
    } catch (error) {
      setState({ busy: false, error: true, message: (error as Error).message });
    }
  }

  return (
    <div className="space-y-3">
      <div className="sticky top-0 z-10 flex flex-wrap items-center gap-2 bg-background py-2">
        <Button
          variant="outline"
          size="sm"
          onClick={() => setSelected(selected.size === changeable.length ? new Set() : new Set(changeable.map((i) => i.id)))}
          disabled={changeable.length === 0}
        >
          {selected.size === changeable.length && changeable.length > 0 ? "Select none" : "Select all on this page"}
        </Button>
        <Button size="sm" onClick={() => void decide("approve")} disabled={selected.size === 0 || state.busy}>
          {state.busy ? <Loader2 className="animate-spin" aria-hidden /> : <Check aria-hidden />}
          Approve {selected.size || ""}
        </Button>
        <Button size="sm" variant="destructive" onClick={() => void decide("reject")} disabled={selected.size === 0 || state.busy}>
          <X aria-hidden />
          Reject {selected.size || ""}
        </Button>
        {state.message && (
          <span role={state.error ? "alert" : "status"} className={cn("text-sm", state.error ? "text-destructive" : "text-muted-foreground")}>
            {state.message}
          </span>
        )}
      </div>
      <ul className="grid grid-cols-[repeat(auto-fill,minmax(7.5rem,1fr))] gap-3" data-testid="review-items">
        {items.map((item) => (
          <li key={item.id} className={cn("rounded-lg border p-2 text-center text-xs", selected.has(item.id) && "border-primary ring-2 ring-primary/30")}>
            <label className="block cursor-pointer">
              {/* eslint-disable-next-line @next/next/no-img-element -- a 28x28 data URL: nothing for next/image to optimise */}
              <img
                src={item.png}
                alt={item.label === null ? "said to be none of the ten" : `proposed ${KMNIST_CLASSES[item.label].char}`}
                width={84}
                height={84}
                className="mx-auto [image-rendering:pixelated]"
              />
              <div className="mt-1">
                model <span className="text-base">{KMNIST_CLASSES[item.predicted].char}</span> {formatPercent(item.confidence, 0)}
              </div>
              <div className={item.kind === "corrected" ? "font-semibold text-amber-700 dark:text-amber-300" : ""}>
                {item.label === null ? (
                  "person: none of these"
                ) : (
                  <>
                    person <span className="text-base">{KMNIST_CLASSES[item.label].char}</span> ({item.kind})
                  </>
                )}
              </div>
              {item.ingested ? (
                <div className="mt-1 text-muted-foreground">ingested</div>
              ) : (
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={selected.has(item.id)}
                  onChange={() => toggle(item.id)}
                  aria-label={`select feedback ${item.id}`}
                />
              )}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
