import { NextResponse } from "next/server";
import { z } from "zod";
import { getBenchmark, perClassCsv } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { parseId, parseSearchParams } from "@/lib/http/params";
import { download } from "@/lib/http/responses";
import { route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };
const querySchema = z.object({ format: z.enum(["json", "csv"]).default("json") }).strict();

/** One benchmark with every metric and informational figure; `?format=csv` gives its per-class table. */
export const GET = route<Context>({}, async (request, { params }) => {
  const id = parseId((await params).id);
  const { format } = parseSearchParams(new URL(request.url), querySchema);
  const detail = await getBenchmark(await getDb(), id);
  if (!detail) throw new ApiError(404, "not_found", `No benchmark ${id}`);
  return format === "csv" ? download(perClassCsv(detail), "text/csv; charset=utf-8", `benchmark-${id}-per-class.csv`) : NextResponse.json(detail);
});
