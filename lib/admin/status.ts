import { createRequire } from "node:module";
import { inArray, sql } from "drizzle-orm";
import { jobs } from "@/db/schema";
import { pingLdap } from "@/lib/auth";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db";
import { checkHealth, probe as probeHealth } from "@/lib/health";
import { ModelRefError, resolveModelRef } from "@/lib/registry";

export interface ComponentStatus {
  name: string;
  ok: boolean;
  detail: string;
}

const require = createRequire(import.meta.url);
// A variable, not a literal: the bundler must not try to resolve an optional package.
const NATIVE_TFJS = ["@tensorflow", "tfjs-node"].join("/");

/** tfjs-node when it is installed and asked for (or "auto"); the wasm backend otherwise. */
function mlBackend(): ComponentStatus {
  const preference = config().ml.backend;
  let native = false;
  try {
    require.resolve(NATIVE_TFJS);
    native = true;
  } catch {
    native = false;
  }
  const used = preference === "wasm" || !native ? "wasm" : "tensorflow (tfjs-node)";
  return { name: "ML backend", ok: preference !== "node" || native, detail: `${used}; ML_BACKEND=${preference}${native ? "" : ", tfjs-node not installed"}` };
}

async function probe(name: string, check: () => Promise<string>): Promise<ComponentStatus> {
  const { ok, detail } = await probeHealth(check);
  return { name, ok, detail };
}

/** Every component the admin dashboard reports, checked now. */
export async function componentStatus(db: Db): Promise<ComponentStatus[]> {
  const { ldap } = config().auth;
  const [health, queue, champion, directory] = await Promise.all([
    checkHealth(),
    probe("Job engine", async () => {
      const rows = await db
        .select({ status: jobs.status, n: sql<number>`count(*)::int` })
        .from(jobs)
        .where(inArray(jobs.status, ["pending", "running"]))
        .groupBy(jobs.status);
      const count = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
      return `${config().jobs.engine}; queue: ${count("pending")} pending, ${count("running")} running`;
    }),
    probe("Champion", async () => {
      try {
        const model = await resolveModelRef(db);
        return `${model.name}@${model.version} (${model.algorithm})`;
      } catch (error) {
        if (error instanceof ModelRefError) throw new Error("no model registered: predictions answer 503");
        throw error;
      }
    }),
    ldap ? probe("LDAP", () => pingLdap(ldap)) : Promise.resolve({ name: "LDAP", ok: true, detail: "not configured: the local admin account signs in" }),
  ]);
  return [
    { name: "Database", ...health.components.database },
    { name: "Object store", ...health.components.objectStore },
    queue,
    champion,
    mlBackend(),
    directory,
  ];
}
