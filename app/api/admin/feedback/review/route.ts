import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { MONITORING_REQUESTED, sendEvent } from "@/lib/jobs";
import { reviewDecisionOperation, reviewFeedback } from "@/lib/monitoring";

/** Bulk approve or reject; the monitoring job then ingests what was approved. */
export const POST = route(reviewDecisionOperation, async ({ body, request }) => {
  const user = await requireAdminRequest(request);
  const result = await reviewFeedback(await getDb(), body, user.name);
  if (body.decision === "approve" && result.changed > 0) await sendEvent(MONITORING_REQUESTED, { reason: "feedback approved" });
  return NextResponse.json(result);
});
