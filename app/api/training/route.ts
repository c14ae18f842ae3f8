import { NextResponse } from "next/server";
import { z } from "zod";
import { sendEvent } from "@/jobs";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/params";
import { TRAIN_REQUESTED } from "@/lib/jobs";
import { pipelineBusy, trainingStatus } from "@/lib/pipeline";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const requestSchema = z
  .object({ algorithms: z.array(z.enum(["logreg", "tree", "cnn"])).min(1).max(3).optional() })
  .strict();

/** Queued and running training, and recent pipeline decisions (the Training page polls this). */
export async function GET() {
  try {
    return NextResponse.json(await trainingStatus(await getDb()));
  } catch (error) {
    return errorResponse(error, "GET /api/training");
  }
}

/** Requests a pipeline run (kana/train.requested). One at a time: 409 while one is queued or running. */
export async function POST(request: Request) {
  try {
    const body = parseJsonBody(await readBodyLimited(request, 16 * 1024), requestSchema);
    if (await pipelineBusy(await getDb())) throw new ApiError(409, "training_in_progress", "A training pipeline is already queued or running");
    const sent = await sendEvent(TRAIN_REQUESTED, { trigger: "ui", actor: (await requestUser(request))?.name ?? "web", ...body });
    return NextResponse.json({ accepted: true, ...sent }, { status: 202 });
  } catch (error) {
    return errorResponse(error, "POST /api/training");
  }
}
