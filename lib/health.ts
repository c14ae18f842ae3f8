import { config } from "@/lib/config";
import { database, pingDatabase } from "@/lib/db";
import { describeError } from "@/lib/log";
import { objectStore } from "@/lib/storage";

export interface ComponentHealth {
  ok: boolean;
  detail: string;
  latencyMs: number;
}

export interface HealthReport {
  ok: boolean;
  components: Record<"database" | "objectStore", ComponentHealth>;
}

/** Runs a check with a time limit: its answer, or why it failed, and how long it took. */
export async function probe(check: () => Promise<string>, timeoutMs = 3000): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    const detail = await Promise.race([
      check(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, detail, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, detail: describeError(error), latencyMs: Math.round(performance.now() - started) };
  }
}

/** What anyone may see: up or down per component, without paths, error causes or timings. */
export function publicHealth(report: HealthReport): { ok: boolean; components: Record<keyof HealthReport["components"], { ok: boolean }> } {
  return { ok: report.ok, components: { database: { ok: report.components.database.ok }, objectStore: { ok: report.components.objectStore.ok } } };
}

export async function checkHealth(): Promise<HealthReport> {
  const [db, store] = await Promise.all([
    probe(async () => {
      const { db, kind } = await database();
      await pingDatabase(db);
      return kind;
    }),
    probe(async () => {
      await objectStore().ping();
      return `${config().storage.driver} (${config().storage.dir})`;
    }),
  ]);
  return { ok: db.ok && store.ok, components: { database: db, objectStore: store } };
}
