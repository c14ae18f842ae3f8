import { NextResponse } from "next/server";
import { getBenchmark, getBenchmarkOperation, perClassCsv } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError, download, route } from "@/lib/http";

export const GET = route(getBenchmarkOperation, async ({ params: { id }, query: { format } }) => {
  const detail = await getBenchmark(await getDb(), id);
  if (!detail) throw new ApiError(404, "not_found", `No benchmark ${id}`);
  return format === "csv" ? download(perClassCsv(detail), "text/csv; charset=utf-8", `benchmark-${id}-per-class.csv`) : NextResponse.json(detail);
});
