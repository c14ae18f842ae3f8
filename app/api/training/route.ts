import { NextResponse } from "next/server";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { ApiError, route } from "@/lib/http";
import { requestTraining, requestTrainingOperation, trainingStatus, trainingStatusOperation } from "@/lib/pipeline";

export const GET = route(trainingStatusOperation, async () => NextResponse.json(await trainingStatus(await getDb())));

export const POST = route(requestTrainingOperation, async ({ request, body }) => {
  const result = await requestTraining(await getDb(), { actor: (await requestUser(request))?.name ?? "web", ...body });
  if (!result.accepted) throw new ApiError(409, "training_in_progress", result.reason);
  return NextResponse.json(result, { status: 202 });
});
