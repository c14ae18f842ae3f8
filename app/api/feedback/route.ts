import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { MONITORING_REQUESTED, sendEvent } from "@/lib/jobs";
import { FEEDBACK_LIMITS, feedbackOperation, predictionRecorder, submitFeedback } from "@/lib/monitoring";

/** A person's verdict on a prediction; it becomes a labelled record of the feedback source at the next monitoring run. */
export const POST = route(
  feedbackOperation,
  async ({ body }) => {
    const db = await getDb();
    const result = await submitFeedback(db, predictionRecorder(db), body);
    await sendEvent(MONITORING_REQUESTED, { reason: "feedback" });
    return NextResponse.json(result, { status: 201 });
  },
  { limits: FEEDBACK_LIMITS },
);
