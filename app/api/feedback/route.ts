import { NextResponse } from "next/server";
import { sendEvent } from "@/jobs";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/params";
import { MONITORING_REQUESTED } from "@/lib/jobs";
import { feedbackSchema, FeedbackError, predictionRecorder, submitFeedback } from "@/lib/monitoring";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A person's verdict on a prediction: `{ predictionId, correct: true }` or
 * `{ predictionId, label }`. It becomes a labelled record of the feedback source, which
 * the monitoring job ingests (and the benchmark engine then follows).
 */
export async function POST(request: Request) {
  try {
    const body = parseJsonBody(await readBodyLimited(request, 4 * 1024), feedbackSchema);
    const db = await getDb();
    let result;
    try {
      result = await submitFeedback(db, predictionRecorder(db), body);
    } catch (error) {
      if (error instanceof FeedbackError) throw new ApiError(error.status, error.code, error.message);
      throw error;
    }
    await sendEvent(MONITORING_REQUESTED, { reason: "feedback" });
    return NextResponse.json(result, { status: 201 });
  } catch (error) {
    return errorResponse(error, "POST /api/feedback");
  }
}
