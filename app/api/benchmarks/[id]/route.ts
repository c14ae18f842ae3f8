import { NextResponse } from "next/server";
import { getBenchmark, perClassCsv } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { parseId } from "@/lib/http/params";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One benchmark with every metric and informational figure; `?format=csv` gives its per-class table. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const id = parseId((await params).id);
    const format = new URL(request.url).searchParams.get("format") ?? "json";
    if (format !== "json" && format !== "csv") throw new ApiError(422, "validation_failed", "format: must be json or csv");
    const detail = await getBenchmark(await getDb(), id);
    if (!detail) throw new ApiError(404, "not_found", `No benchmark ${id}`);
    if (format === "csv") {
      return new NextResponse(perClassCsv(detail), {
        headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="benchmark-${id}-per-class.csv"` },
      });
    }
    return NextResponse.json(detail);
  } catch (error) {
    return errorResponse(error, "GET /api/benchmarks/[id]");
  }
}
