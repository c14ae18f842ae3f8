import { NextResponse } from "next/server";
import { z } from "zod";
import { sendEvent } from "@/jobs";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
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
    const raw = await readBodyLimited(request, 16 * 1024);
    let body: unknown = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new ApiError(400, "invalid_json", "The body is not valid JSON");
      }
    }
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) throw new ApiError(422, "validation_failed", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
    if (await pipelineBusy(await getDb())) throw new ApiError(409, "training_in_progress", "A training pipeline is already queued or running");
    const sent = await sendEvent(TRAIN_REQUESTED, { trigger: "ui", actor: "web", ...parsed.data });
    return NextResponse.json({ accepted: true, ...sent }, { status: 202 });
  } catch (error) {
    return errorResponse(error, "POST /api/training");
  }
}
