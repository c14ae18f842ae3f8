import { asc, desc, eq, getTableName, ilike, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { auditLog } from "@/db/schema";
import type { Db } from "@/lib/db";
import { containsPattern, pageOf, paging, searchText } from "@/lib/http";
import type { ObjectStore } from "@/lib/storage";
import { auditable } from "./audit";
import { blockers, deletePreview, type Dependent } from "./cascade";
import { ADMIN_TABLES, AdminEditError, spec, type AdminTableName, type Row } from "./table-config";

/** Reading and changing rows of the allow-listed tables: paged lists, validated audited edits, checked deletes. */
export const tableQuerySchema = z.object({ ...paging, q: searchText }).strict();

export async function listRows(db: Db, name: AdminTableName, query: z.infer<typeof tableQuerySchema>) {
  const { table, id, search } = spec(name);
  const where: SQL | undefined = query.q ? or(...search.map((c) => ilike(c, containsPattern(query.q!)))) : undefined;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(table)
      .where(where)
      .orderBy(query.order === "asc" ? asc(id) : desc(id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(table)
      .where(where),
  ]);
  return pageOf(rows as Row[], total, query);
}

export async function getRow(db: Db, name: AdminTableName, id: number): Promise<Row | null> {
  const { table, id: idColumn } = spec(name);
  const [row] = await db.select().from(table).where(eq(idColumn, id));
  return (row as Row | undefined) ?? null;
}

export async function countRows(db: Db): Promise<Record<AdminTableName, number>> {
  const names = Object.keys(ADMIN_TABLES) as AdminTableName[];
  const counts = await Promise.all(names.map((n) => db.select({ n: sql<number>`count(*)::int` }).from(spec(n).table)));
  return Object.fromEntries(names.map((n, i) => [n, counts[i][0].n])) as Record<AdminTableName, number>;
}

/** Validates an edit form's fields against the table's rules: 422 naming each bad field. */
export function parseEdit(name: AdminTableName, fields: Record<string, string>): Row {
  const parsed = spec(name).edit.safeParse(fields);
  if (!parsed.success) throw new AdminEditError(422, parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; "));
  return parsed.data as Row;
}

/** Applies a validated edit, and records before/after in the audit log, in one transaction. */
export async function updateRow(db: Db, name: AdminTableName, id: number, fields: Record<string, string>, actor: string): Promise<Row> {
  const { table, id: idColumn, check } = spec(name);
  const values = parseEdit(name, fields);
  if (Object.keys(values).length === 0) throw new AdminEditError(422, `${spec(name).label} rows cannot be edited here`);
  const problem = await check?.(db, values);
  if (problem) throw new AdminEditError(422, problem);
  return db.transaction(async (tx) => {
    const [before] = (await tx.select().from(table).where(eq(idColumn, id)).for("update")) as Row[];
    if (!before) throw new AdminEditError(404, `${getTableName(table)} row ${id} does not exist`);
    const [after] = (await tx.update(table).set(values).where(eq(idColumn, id)).returning()) as Row[];
    const changed = Object.keys(values);
    const pick = (row: Row) => auditable(Object.fromEntries(changed.map((k) => [k, row[k]])));
    await tx.insert(auditLog).values({ actor, action: "update", entity: getTableName(table), entityId: String(id), before: pick(before), after: pick(after) });
    return after;
  });
}

/**
 * Deletes a row (and what cascades from it) after checking nothing blocks it; audited with
 * the row as it was. Objects the row owned in the store are removed once the delete commits.
 */
export async function deleteRow(db: Db, store: ObjectStore, name: AdminTableName, id: number, actor: string): Promise<{ deleted: Row; cascaded: Dependent[] }> {
  const { table, id: idColumn } = spec(name);
  const preview = await deletePreview(db, name, id);
  const blocking = blockers(preview);
  if (blocking.length) {
    throw new AdminEditError(409, `cannot delete: ${blocking.map((b) => `${b.rows} row${b.rows === 1 ? "" : "s"} of ${b.table} refer to it`).join(", ")}`);
  }
  const deleted = await db.transaction(async (tx) => {
    const [row] = (await tx.delete(table).where(eq(idColumn, id)).returning()) as Row[];
    if (!row) throw new AdminEditError(404, `${getTableName(table)} row ${id} does not exist`);
    await tx.insert(auditLog).values({ actor, action: "delete", entity: getTableName(table), entityId: String(id), before: auditable(row), after: null });
    return row;
  });
  const prefix = spec(name).objectPrefix?.(deleted);
  if (prefix) for (const object of await store.list(prefix)) await store.delete(object.key);
  return { deleted, cascaded: preview };
}
