import { NextResponse } from "next/server";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { MONITORING_REQUESTED, sendEvent } from "@/lib/jobs";
import { FEEDBACK_LIMITS, feedbackOperation, predictionRecorder, submitFeedback } from "@/lib/monitoring";

/** A person's verdict on a prediction; once approved (review queue or FEEDBACK_AUTO_APPROVE) it becomes a labelled record of the feedback source at the next monitoring run. */
export const POST = route(
  feedbackOperation,
  async ({ body, request }) => {
    const db = await getDb();
    const user = await requestUser(request);
    const result = await submitFeedback(db, predictionRecorder(db), body, { signedIn: user !== null, name: user?.name });
    await sendEvent(MONITORING_REQUESTED, { reason: "feedback" });
    return NextResponse.json(result, { status: 201 });
  },
  { limits: FEEDBACK_LIMITS },
);
