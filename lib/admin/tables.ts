import { asc, desc, eq, getTableColumns, getTableName, ilike, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import { auditLog, benchmarks, datasetTags, logs, models, modelVersions } from "@/db/schema";
import { queryRows, type Db } from "@/lib/db";
import type { ObjectStore } from "@/lib/storage";
import { containsPattern, pageOf, paging, searchText } from "@/lib/http/list-query";

/**
 * The tables the admin area may browse and change, and exactly which columns an edit may
 * touch (with their validation). Anything not listed here cannot be reached from the UI.
 */
interface AdminTable {
  label: string;
  table: PgTable;
  id: PgColumn;
  /** Columns shown in the list, in order. */
  list: string[];
  /** Text columns the list's search looks in. */
  search: PgColumn[];
  /** Editable columns and their rules; empty for read-only tables (rows can still be deleted). */
  edit: z.ZodObject<z.ZodRawShape>;
  /** How the edit form shows each editable column ("tag": a choice of dataset tags). */
  fields: Array<{ key: string; label: string; kind: "text" | "textarea" | "boolean" | "tag" }>;
  /** Cross-table checks an edit must pass (e.g. a dataset tag that exists). */
  check?: (db: Db, values: Record<string, unknown>) => Promise<string | null>;
  /** The object-store prefix a row owns (removed with the row). */
  objectPrefix?: (row: Record<string, unknown>) => string;
}

const text = (max: number) => z.string().trim().max(max).refine((v) => !v.includes("\u0000"), "must not contain NUL characters");

export const ADMIN_TABLES = {
  models: {
    label: "Models",
    table: models,
    id: models.id,
    list: ["id", "name", "description", "createdAt"],
    search: [models.name, models.description],
    // The name is part of every artifact key: renaming would orphan the artifacts.
    edit: z.object({ description: text(2000) }).strict(),
    fields: [{ key: "description", label: "Description", kind: "textarea" }],
  },
  model_versions: {
    label: "Model versions",
    table: modelVersions,
    id: modelVersions.id,
    list: ["id", "modelId", "version", "algorithm", "author", "datasetTag", "archived", "createdAt"],
    search: [modelVersions.algorithm, modelVersions.author, modelVersions.datasetTag],
    edit: z
      .object({
        author: text(200).pipe(z.string().min(1, "must not be empty")),
        datasetTag: text(100).pipe(z.string().min(1, "must not be empty")),
        archived: z.enum(["true", "false"]).transform((v) => v === "true"),
      })
      .strict(),
    // Its artifact goes with it (after the row: objects may outlive rows, never the reverse).
    objectPrefix: (row) => String(row.artifactKey),
    fields: [
      { key: "author", label: "Author", kind: "text" },
      { key: "datasetTag", label: "Dataset tag (benchmarked on)", kind: "tag" },
      { key: "archived", label: "Archived", kind: "boolean" },
    ],
    async check(db, values) {
      if (typeof values.datasetTag !== "string") return null;
      const [tag] = await db.select({ id: datasetTags.id }).from(datasetTags).where(eq(datasetTags.name, values.datasetTag));
      return tag ? null : `datasetTag: no dataset tag is named "${values.datasetTag.slice(0, 100)}"`;
    },
  },
  benchmarks: {
    label: "Benchmarks",
    table: benchmarks,
    id: benchmarks.id,
    list: ["id", "modelVersionId", "datasetVersionId", "status", "accuracy", "attempts", "createdAt"],
    search: [benchmarks.status, benchmarks.error],
    // Results are measurements: they are re-run (Benchmarks page), never edited by hand.
    edit: z.object({}).strict(),
    fields: [],
  },
  dataset_tags: {
    label: "Dataset tags",
    table: datasetTags,
    id: datasetTags.id,
    list: ["id", "name", "description", "createdAt"],
    search: [datasetTags.name, datasetTags.description],
    // Model versions name their tag: renaming it would cut them off.
    edit: z.object({ description: text(2000) }).strict(),
    fields: [{ key: "description", label: "Description", kind: "textarea" }],
  },
  logs: {
    label: "Logs",
    table: logs,
    id: logs.id,
    list: ["id", "ts", "level", "component", "message"],
    search: [logs.component, logs.message],
    edit: z.object({}).strict(),
    fields: [],
  },
} satisfies Record<string, AdminTable>;

export type AdminTableName = keyof typeof ADMIN_TABLES;

export function isAdminTable(name: string): name is AdminTableName {
  return Object.hasOwn(ADMIN_TABLES, name);
}

/** A change refused for a reason the admin should read (validation, a dependent row, a missing row). */
export class AdminEditError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = "AdminEditError";
  }
}

type Row = Record<string, unknown>;

function spec(name: AdminTableName): AdminTable {
  return ADMIN_TABLES[name];
}

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
    db.select({ total: sql<number>`count(*)::int` }).from(table).where(where),
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

function auditable(row: Row): Record<string, unknown> {
  return JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
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

export interface Dependent {
  table: string;
  column: string;
  rule: "cascade" | "restrict" | "set null";
  rows: number;
  /** Rows that cascade further (deleting these deletes them too). */
  dependents: Dependent[];
}

const RULES: Record<string, Dependent["rule"]> = { c: "cascade", a: "restrict", r: "restrict", n: "set null", d: "set null" };

/**
 * What deleting a row would touch, read from PostgreSQL's own foreign keys (so it cannot
 * drift from the schema): rows that cascade (recursively), and rows that block the delete.
 */
export async function deletePreview(db: Db, name: AdminTableName, id: number): Promise<Dependent[]> {
  const walk = async (tableName: string, where: SQL, depth: number): Promise<Dependent[]> => {
    if (depth > 3) return [];
    const keys = await queryRows<{ table: string; column: string; rule: string; referenced: string }>(
      db,
      sql`
      select c.conrelid::regclass::text as "table", a.attname as "column", c.confdeltype as "rule", pk.attname as "referenced"
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute pk on pk.attrelid = c.confrelid and pk.attnum = c.confkey[1]
      where c.contype = 'f' and c.confrelid = ${tableName}::regclass
      order by 1, 2`,
    );
    const result: Dependent[] = [];
    for (const key of keys) {
      const matching = sql`${sql.identifier(key.column)} in (select ${sql.identifier(key.referenced)} from ${sql.identifier(tableName)} where ${where})`;
      const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(key.table)} where ${matching}`);
      if (n === 0) continue;
      const rule = RULES[key.rule] ?? "restrict";
      result.push({ table: key.table, column: key.column, rule, rows: n, dependents: rule === "cascade" ? await walk(key.table, matching, depth + 1) : [] });
    }
    return result;
  };
  return walk(getTableName(spec(name).table), sql`${sql.identifier(spec(name).id.name)} = ${id}`, 0);
}

function blockers(dependents: Dependent[]): Dependent[] {
  return dependents.flatMap((d) => [...(d.rule === "restrict" ? [d] : []), ...blockers(d.dependents)]);
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

/** The list columns of a table, with the SQL name each maps to (for headers). */
export function listColumns(name: AdminTableName): Array<{ key: string; column: string }> {
  const columns = getTableColumns(spec(name).table) as Record<string, PgColumn>;
  return spec(name).list.map((key) => ({ key, column: columns[key].name }));
}

/** The audit log, newest first, optionally for one table. */
export async function listAudit(db: Db, query: { page: number; pageSize: number; entity?: string }) {
  const where = query.entity ? eq(auditLog.entity, query.entity) : undefined;
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.ts), desc(auditLog.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: sql<number>`count(*)::int` }).from(auditLog).where(where),
  ]);
  return pageOf(rows, total, query);
}
