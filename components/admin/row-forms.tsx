"use client";

import { Loader2 } from "lucide-react";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { ActionState } from "./action-state";

type Action = (previous: ActionState | null, form: FormData) => Promise<ActionState>;

export interface EditField {
  key: string;
  label: string;
  kind: "text" | "textarea" | "boolean" | "tag";
  value: string;
}

function Result({ state }: { state: ActionState | null }) {
  if (!state) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={state.ok ? "text-sm text-emerald-700 dark:text-emerald-400" : "text-sm text-destructive"}>
      {state.message}
    </p>
  );
}

/** The edit form of one row: only the table's editable columns; the server validates and audits. */
export function EditRowForm({ table, id, fields, tags, action }: { table: string; id: string; fields: EditField[]; tags: string[]; action: Action }) {
  const [state, run, pending] = useActionState(action, null);
  // Controlled, so the form keeps showing what was saved (React resets uncontrolled fields after an action).
  const [values, setValues] = useState(() => Object.fromEntries(fields.map((f) => [f.key, f.value])));
  const bind = (key: string) => ({
    name: key,
    value: values[key] ?? "",
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => setValues((v) => ({ ...v, [key]: e.target.value })),
  });
  return (
    <form action={run} className="max-w-xl space-y-4" data-testid="edit-row">
      <input type="hidden" name="table" value={table} />
      <input type="hidden" name="id" value={id} />
      {fields.map((f) => (
        <label key={f.key} className="block space-y-1 text-sm">
          <span>{f.label}</span>
          {f.kind === "textarea" ? (
            <textarea {...bind(f.key)} rows={3} maxLength={2000} className="w-full rounded-md border bg-background px-3 py-2" />
          ) : f.kind === "boolean" ? (
            <select {...bind(f.key)} className="h-9 w-full rounded-md border bg-background px-2">
              <option value="false">no</option>
              <option value="true">yes</option>
            </select>
          ) : f.kind === "tag" ? (
            <select {...bind(f.key)} className="h-9 w-full rounded-md border bg-background px-2">
              {[...new Set([f.value, ...tags])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          ) : (
            <Input {...bind(f.key)} maxLength={200} />
          )}
        </label>
      ))}
      <Button type="submit" disabled={pending}>
        {pending && <Loader2 className="animate-spin" aria-hidden />}
        Save
      </Button>
      <Result state={state} />
    </form>
  );
}

/** Delete with an explicit confirmation of what the preview said will go with the row. */
export function DeleteRowForm({ table, id, summary, blocked, action }: { table: string; id: string; summary: string; blocked: boolean; action: Action }) {
  const [state, run, pending] = useActionState(action, null);
  return (
    <form action={run} className="space-y-3" data-testid="delete-row">
      <input type="hidden" name="table" value={table} />
      <input type="hidden" name="id" value={id} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="confirm" value="yes" required disabled={blocked} className="mt-1" />
        <span>I understand that this deletes {summary}.</span>
      </label>
      <Button type="submit" variant="destructive" disabled={pending || blocked}>
        {pending && <Loader2 className="animate-spin" aria-hidden />}
        Delete row {id}
      </Button>
      <Result state={state} />
    </form>
  );
}
