"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ActionState } from "@/components/admin/action-state";
import { AdminEditError, removeRowForm, saveRowForm } from "@/lib/admin";
import { requireAdmin } from "@/lib/auth";
import { requestBenchmarkSweep } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { requestTraining as queueTraining } from "@/lib/pipeline";
import { objectStore } from "@/lib/storage";

/** Queues a training pipeline run, unless one is already queued or running. */
export async function requestTraining(): Promise<ActionState> {
  const user = await requireAdmin();
  const result = await queueTraining(await getDb(), { actor: user.name });
  if (!result.accepted) return { ok: false, message: result.reason };
  return { ok: true, message: `Training requested (${result.engine} job engine). Follow it on the Training page.` };
}

/** Queues a benchmark sweep: every model on its tag's newest version, where not done yet. */
export async function requestBenchmarks(): Promise<ActionState> {
  const user = await requireAdmin();
  const sent = await requestBenchmarkSweep(await getDb(), { reason: "admin", actor: user.name });
  return { ok: true, message: `Benchmark sweep requested (${sent.engine} job engine).` };
}

/** Saves an edit form (fields are validated by the table's rules in lib/admin). */
export async function saveRow(_previous: ActionState | null, form: FormData): Promise<ActionState> {
  const user = await requireAdmin();
  try {
    const { table } = await saveRowForm(await getDb(), form, user.name);
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
    ({ table } = await removeRowForm(await getDb(), objectStore(), form, user.name));
  } catch (error) {
    if (error instanceof AdminEditError) return { ok: false, message: error.message };
    throw error;
  }
  revalidatePath(`/admin/data/${table}`);
  redirect(`/admin/data/${table}?deleted=${encodeURIComponent(String(form.get("id")))}`);
}
