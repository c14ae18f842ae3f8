import { NextResponse } from "next/server";
import { z } from "zod";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/params";
import { requestTraining } from "@/lib/jobs";
import { trainingStatus } from "@/lib/pipeline";

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
    const result = await requestTraining(await getDb(), { actor: (await requestUser(request))?.name ?? "web", algorithms: body.algorithms });
    if (!result.accepted) throw new ApiError(409, "training_in_progress", result.reason);
    return NextResponse.json(result, { status: 202 });
  } catch (error) {
    return errorResponse(error, "POST /api/training");
  }
}
