import { NextResponse } from "next/server";
import { explanationOf } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { parseId } from "@/lib/http/params";
import { route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** A model version's attributions: per-class mean heatmaps and example explanations, per method. */
export const GET = route<Context>({}, async (_request, { params }) => {
  const id = parseId((await params).id);
  const explanation = await explanationOf(await getDb(), id);
  if (!explanation) throw new ApiError(404, "not_found", `Model version ${id} has no explanation yet (it is made after its first benchmark)`);
  return NextResponse.json(explanation);
});
