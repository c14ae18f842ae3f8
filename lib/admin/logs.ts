import { and, desc, eq, gte, ilike, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { logs } from "@/db/schema";
import type { Db } from "@/lib/db";
import { containsPattern, pageOf, paging, searchText } from "@/lib/http";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** The log viewer's query string. */
export const logQuerySchema = z
  .object({
    page: paging.page,
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    /** This level and above. */
    level: z.enum(LOG_LEVELS).optional(),
    component: searchText,
    q: searchText.describe("text search in message and context"),
  })
  .strict();

export type LogQuery = z.infer<typeof logQuerySchema>;
export type LogRow = typeof logs.$inferSelect;

/** Newest first, filtered by minimum level, exact component and text. */
export async function listLogs(db: Db, query: LogQuery) {
  const pattern = query.q ? containsPattern(query.q) : undefined;
  const levels = query.level ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(query.level)) : undefined;
  const where = and(
    levels ? inArray(logs.level, levels) : undefined,
    query.component ? eq(logs.component, query.component) : undefined,
    pattern ? or(ilike(logs.message, pattern), ilike(sql`${logs.context}::text`, pattern)) : undefined,
  );
  const [rows, [{ total }], components] = await Promise.all([
    db
      .select()
      .from(logs)
      .where(where)
      .orderBy(desc(logs.ts), desc(logs.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(logs)
      .where(where),
    // Components seen in the last 30 days, for the filter's choices.
    db
      .selectDistinct({ component: logs.component })
      .from(logs)
      .where(gte(logs.ts, sql`now() - interval '30 days'`))
      .orderBy(logs.component),
  ]);
  return { ...pageOf(rows, total, query), components: components.map((c) => c.component) };
}
