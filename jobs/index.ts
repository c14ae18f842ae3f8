import { config } from "@/lib/config";
import { embeddedRunner } from "@/lib/jobs";
import { inngest } from "./client";

/** Sends an event to whichever job engine is configured (JOB_ENGINE). */
export async function sendEvent(name: string, data: Record<string, unknown>): Promise<{ engine: string; ids: string[] }> {
  if (config().jobs.engine === "inngest") {
    const { ids } = await inngest.send({ name, data });
    return { engine: "inngest", ids };
  }
  const created = await (await embeddedRunner()).send(name, data);
  return { engine: "embedded", ids: created.map((j) => String(j.id)) };
}
