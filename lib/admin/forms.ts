import type { Db } from "@/lib/db";
import { rowIdOrNull } from "@/lib/http";
import type { ObjectStore } from "@/lib/storage";
import { deleteRow, updateRow } from "./rows";
import { AdminEditError, isAdminTable, type AdminTableName } from "./table-config";

/**
 * The data editor's forms, as the admin's server actions receive them: a `table` and an
 * `id` field name the row; every other plain field (not Next's `$ACTION_…`) is an edit.
 * Anything wrong becomes an AdminEditError for the form to show.
 */
function rowOf(form: FormData): { table: AdminTableName; rowId: number } {
  const table = String(form.get("table"));
  const rowId = rowIdOrNull(String(form.get("id")));
  if (!isAdminTable(table) || rowId === null) throw new AdminEditError(404, "No such table or row");
  return { table, rowId };
}

export async function saveRowForm(db: Db, form: FormData, actor: string): Promise<{ table: AdminTableName }> {
  const { table, rowId } = rowOf(form);
  const fields: Record<string, string> = {};
  for (const [key, value] of form) if (!key.startsWith("$") && key !== "table" && key !== "id" && typeof value === "string") fields[key] = value;
  await updateRow(db, table, rowId, fields, actor);
  return { table };
}

/** Deletes the row only when the admin ticked the confirmation (`confirm=yes`) under the cascade preview. */
export async function removeRowForm(db: Db, store: ObjectStore, form: FormData, actor: string): Promise<{ table: AdminTableName }> {
  const { table, rowId } = rowOf(form);
  if (form.get("confirm") !== "yes") throw new AdminEditError(422, "Tick the confirmation first.");
  await deleteRow(db, store, table, rowId, actor);
  return { table };
}
