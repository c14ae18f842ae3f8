import { and, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/lib/db";
import { isOwnerGone } from "./owner";

/** A table whose running rows are held by a lease: who holds a row and when they last said they are alive. */
export type LeasedTable = PgTable & { status: PgColumn; lockedBy: PgColumn; heartbeatAt: PgColumn };

/**
 * Rows marked running that no live process holds: the heartbeat is missing or older than the
 * lease, or the holder is known to be dead (a restart on the same host need not wait).
 */
export async function staleRunning(db: Db, table: LeasedTable, leaseMs: number): Promise<SQL> {
  const holders = await db.selectDistinct({ owner: table.lockedBy }).from(table).where(eq(table.status, "running"));
  const gone = holders.map((h) => h.owner as string | null).filter((owner): owner is string => isOwnerGone(owner));
  return and(
    eq(table.status, "running"),
    or(
      isNull(table.heartbeatAt),
      lt(table.heartbeatAt, sql`now() - make_interval(secs => ${leaseMs / 1000})`),
      gone.length ? inArray(table.lockedBy, gone) : undefined,
    ),
  )!;
}

/**
 * Refreshes the heartbeat of every running row this owner holds, every `intervalMs`, until
 * the returned function is called. A failed refresh is reported, never thrown: the lease
 * simply runs out if the database stays away.
 */
export function keepAlive(db: Db, table: LeasedTable, owner: string, intervalMs: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    db.update(table)
      .set({ heartbeatAt: sql`now()` } as never)
      .where(and(eq(table.lockedBy, owner), eq(table.status, "running")))
      .catch(onError);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The wait before attempt `attempts + 1` of failed work: `baseMs`, doubling per attempt, at most 10 minutes. */
export function retryDelayMs(baseMs: number, attempts: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 600_000);
}
