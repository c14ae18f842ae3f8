import { NextResponse } from "next/server";
import { z } from "zod";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { ApiError, readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/params";
import { route } from "@/lib/http/route";
import { requestTraining } from "@/lib/jobs";
import { trainingStatus } from "@/lib/pipeline";

const requestSchema = z.object({ algorithms: z.array(z.enum(["logreg", "tree", "cnn"])).min(1).max(3).optional() }).strict();

/** Queued and running training, and recent pipeline decisions (the Training page polls this). */
export const GET = route({}, async () => NextResponse.json(await trainingStatus(await getDb())));

/** Requests a pipeline run (kana/train.requested). One at a time: 409 while one is queued or running. */
export const POST = route({ accepts: ["application/json"] }, async (request) => {
  const body = parseJsonBody(await readBodyLimited(request, 16 * 1024), requestSchema);
  const result = await requestTraining(await getDb(), { actor: (await requestUser(request))?.name ?? "web", algorithms: body.algorithms });
  if (!result.accepted) throw new ApiError(409, "training_in_progress", result.reason);
  return NextResponse.json(result, { status: 202 });
});
