import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/params";
import { route } from "@/lib/http/route";
import { MONITORING_REQUESTED, sendEvent } from "@/lib/jobs";
import { FEEDBACK_LIMITS, feedbackSchema, predictionRecorder, submitFeedback } from "@/lib/monitoring";

/**
 * A person's verdict on a prediction: `{ predictionId, correct: true }` or
 * `{ predictionId, label }`. It becomes a labelled record of the feedback source, which
 * the monitoring job ingests (and the benchmark engine then follows).
 */
export const POST = route({ accepts: ["application/json"], limits: FEEDBACK_LIMITS }, async (request) => {
  const body = parseJsonBody(await readBodyLimited(request, 4 * 1024), feedbackSchema);
  const db = await getDb();
  const result = await submitFeedback(db, predictionRecorder(db), body);
  await sendEvent(MONITORING_REQUESTED, { reason: "feedback" });
  return NextResponse.json(result, { status: 201 });
});
