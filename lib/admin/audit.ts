import { desc, eq, sql } from "drizzle-orm";
import { auditLog } from "@/db/schema";
import type { Db } from "@/lib/db";
import { pageOf } from "@/lib/http";
import type { Row } from "./table-config";

/** A row as the audit log keeps it: plain JSON (dates as strings). */
export function auditable(row: Row): Record<string, unknown> {
  return JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
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
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(where),
  ]);
  return pageOf(rows, total, query);
}
