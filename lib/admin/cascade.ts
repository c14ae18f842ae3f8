import { getTableName, sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "@/lib/db";
import { spec, type AdminTableName } from "./table-config";

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

export function blockers(dependents: Dependent[]): Dependent[] {
  return dependents.flatMap((d) => [...(d.rule === "restrict" ? [d] : []), ...blockers(d.dependents)]);
}
