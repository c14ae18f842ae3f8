import { eq, getTableColumns } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import { benchmarks, datasetTags, logs, models, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";

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

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !v.includes("\u0000"), "must not contain NUL characters");

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

export type Row = Record<string, unknown>;

export function spec(name: AdminTableName): AdminTable {
  return ADMIN_TABLES[name];
}

/** The list columns of a table, with the SQL name each maps to (for headers). */
export function listColumns(name: AdminTableName): Array<{ key: string; column: string }> {
  const columns = getTableColumns(spec(name).table) as Record<string, PgColumn>;
  return spec(name).list.map((key) => ({ key, column: columns[key].name }));
}
