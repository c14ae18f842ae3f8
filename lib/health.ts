import { z } from "zod";
import { config } from "@/lib/config";
import { database, pingDatabase } from "@/lib/db";
import { operation } from "@/lib/http";
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

const componentSchema = z.object({
  ok: z.boolean(),
  detail: z.string().optional().meta({ description: "Admins only: what answered, or why not" }),
  latencyMs: z.number().optional().meta({ description: "Admins only" }),
});
export const healthSchema = z
  .object({ ok: z.boolean(), components: z.object({ database: componentSchema, objectStore: componentSchema }) })
  .meta({ id: "Health" });

export const healthOperation = operation({
  id: "health",
  method: "GET",
  path: "/api/health",
  tag: "Operations",
  access: "public",
  summary: "Liveness of the app and its dependencies (details for admins only)",
  responses: {
    200: { description: "Every component answers", json: healthSchema },
    503: { description: "A component does not answer; the body says which", json: healthSchema },
  },
});

export const metricsOperation = operation({
  id: "metrics",
  method: "GET",
  path: "/metrics",
  tag: "Operations",
  access: "viewer",
  summary: "Operational metrics in the Prometheus text format (what an operator scrapes)",
  description:
    "API requests and their latency per operation, predictions and their latency per model, inference batch sizes and queue depth, prediction-log entries written, dropped and failed, and the process's own figures (kana_process_*, kana_nodejs_*). Counts are per app process.",
  responses: { 200: { description: "Prometheus text exposition format 0.0.4", media: { "text/plain; version=0.0.4": "The metrics" } } },
});
