import { NextResponse } from "next/server";
import { explanationOf, explanationOperation } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError, route } from "@/lib/http";

export const GET = route(explanationOperation, async ({ params: { id } }) => {
  const explanation = await explanationOf(await getDb(), id);
  if (!explanation) throw new ApiError(404, "not_found", `Model version ${id} has no explanation yet (it is made after its first benchmark)`);
  return NextResponse.json(explanation);
});
