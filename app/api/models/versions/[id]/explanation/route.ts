import { NextResponse } from "next/server";
import { explanationOf } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { parseId } from "@/lib/http/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A model version's attributions: per-class mean heatmaps and example explanations, per method. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const id = parseId((await params).id);
    const explanation = await explanationOf(await getDb(), id);
    if (!explanation) throw new ApiError(404, "not_found", `Model version ${id} has no explanation yet (it is made after its first benchmark)`);
    return NextResponse.json(explanation);
  } catch (error) {
    return errorResponse(error, "GET /api/models/versions/[id]/explanation");
  }
}
