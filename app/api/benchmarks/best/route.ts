import { NextResponse } from "next/server";
import { bestModels } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { errorResponse } from "@/lib/http/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The leaderboard: best model per dataset tag and algorithm, and per tag, on each tag's newest benchmarked version. */
export async function GET() {
  try {
    return NextResponse.json(await bestModels(await getDb()));
  } catch (error) {
    return errorResponse(error, "GET /api/benchmarks/best");
  }
}
