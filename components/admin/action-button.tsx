"use client";

import { Loader2 } from "lucide-react";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionState } from "./action-state";

/** A button that runs a server action and shows its answer beside it. */
export function ActionButton({ action, label, testId }: { action: () => Promise<ActionState>; label: string; testId: string }) {
  const [state, run, pending] = useActionState(async () => action(), null);
  return (
    <form action={run} className="space-y-2">
      <Button type="submit" disabled={pending} data-testid={testId}>
        {pending && <Loader2 className="animate-spin" aria-hidden />}
        {label}
      </Button>
      {state && (
        <p role="status" className={state.ok ? "text-sm text-emerald-700 dark:text-emerald-400" : "text-sm text-destructive"}>
          {state.message}
        </p>
      )}
    </form>
  );
}
