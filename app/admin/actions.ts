"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ActionState } from "@/components/admin/action-state";
import { sendEvent } from "@/jobs";
import { AdminEditError, deleteRow, isAdminTable, updateRow } from "@/lib/admin";
import { requireAdmin } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { rowIdOrNull } from "@/lib/http/params";
import { BENCHMARKS_REQUESTED, TRAIN_REQUESTED } from "@/lib/jobs";
import { pipelineBusy } from "@/lib/pipeline";

/** Queues a training pipeline run, unless one is already queued or running. */
export async function requestTraining(): Promise<ActionState> {
  const user = await requireAdmin();
  if (await pipelineBusy(await getDb())) return { ok: false, message: "A training pipeline is already queued or running." };
  const sent = await sendEvent(TRAIN_REQUESTED, { trigger: "ui", actor: user.name });
  return { ok: true, message: `Training requested (${sent.engine} job engine). Follow it on the Training page.` };
}

/** Queues a benchmark sweep: every model on its tag's newest version, where not done yet. */
export async function requestBenchmarks(): Promise<ActionState> {
  const user = await requireAdmin();
  const sent = await sendEvent(BENCHMARKS_REQUESTED, { reason: "admin", actor: user.name });
  return { ok: true, message: `Benchmark sweep requested (${sent.engine} job engine).` };
}

function target(table: string, id: string) {
  const rowId = rowIdOrNull(id);
  if (!isAdminTable(table) || rowId === null) throw new AdminEditError(404, "No such table or row");
  return { table, rowId };
}

/** Saves an edit form (fields are validated by the table's rules in lib/admin). */
export async function saveRow(_previous: ActionState | null, form: FormData): Promise<ActionState> {
  const user = await requireAdmin();
  try {
    const { table, rowId } = target(String(form.get("table")), String(form.get("id")));
    const fields: Record<string, string> = {};
    for (const [key, value] of form) if (!key.startsWith("$") && key !== "table" && key !== "id" && typeof value === "string") fields[key] = value;
    await updateRow(await getDb(), table, rowId, fields, user.name);
    revalidatePath(`/admin/data/${table}`);
    return { ok: true, message: "Saved. The change is in the audit log." };
  } catch (error) {
    if (error instanceof AdminEditError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Deletes a row after the admin confirmed the cascade preview. */
export async function removeRow(_previous: ActionState | null, form: FormData): Promise<ActionState> {
  const user = await requireAdmin();
  let table: string;
  try {
    const parsed = target(String(form.get("table")), String(form.get("id")));
    table = parsed.table;
    if (form.get("confirm") !== "yes") return { ok: false, message: "Tick the confirmation first." };
    await deleteRow(await getDb(), parsed.table, parsed.rowId, user.name);
  } catch (error) {
    if (error instanceof AdminEditError) return { ok: false, message: error.message };
    throw error;
  }
  revalidatePath(`/admin/data/${table}`);
  redirect(`/admin/data/${table}?deleted=${encodeURIComponent(String(form.get("id")))}`);
}
