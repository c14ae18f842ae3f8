import type { Db } from "@/lib/db";
import { sendEvent, TRAIN_REQUESTED } from "@/lib/jobs";
import { pipelineBusy } from "./status";

/** What a request for work answers, from the API and the admin page alike. */
export type JobRequestResult = { accepted: true; engine: string; ids: string[] } | { accepted: false; reason: string };

/** A training pipeline run, unless one is already queued or running (one at a time). */
export async function requestTraining(db: Db, request: { actor: string; algorithms?: string[] }): Promise<JobRequestResult> {
  if (await pipelineBusy(db)) return { accepted: false, reason: "A training pipeline is already queued or running." };
  return {
    accepted: true,
    ...(await sendEvent(TRAIN_REQUESTED, { trigger: "ui", actor: request.actor, ...(request.algorithms ? { algorithms: request.algorithms } : {}) })),
  };
}
