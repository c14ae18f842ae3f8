import { NextResponse } from "next/server";
import { z } from "zod";
import { benchmarkQuerySchema, benchmarksToCsv, exportBenchmarks, listBenchmarks } from "@/lib/benchmark";
import { requestUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { ApiError, errorResponse, readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody, parseSearchParams } from "@/lib/http/params";
import { requestBenchmarkSweep } from "@/lib/jobs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const formatSchema = z.enum(["json", "csv"]).optional();

/**
 * Benchmarks, filtered, sorted and paginated (`?page=&pageSize=&sort=&order=&status=&model=&algorithm=&tag=&q=`).
 * `?format=csv` or `?format=json` exports every match (up to 10,000) as a download instead of a page.
 */
export async function GET(request: Request) {
  try {
    const url = new URL(request.url);
    const format = formatSchema.safeParse(url.searchParams.get("format") ?? undefined);
    if (!format.success) throw new ApiError(422, "validation_failed", "format: must be json or csv");
    const query = parseSearchParams(url, benchmarkQuerySchema, ["format"]);
    const db = await getDb();
    if (!format.data) return NextResponse.json(await listBenchmarks(db, query));
    const rows = await exportBenchmarks(db, query);
    const stamp = new Date().toISOString().slice(0, 10);
    return format.data === "csv"
      ? new NextResponse(benchmarksToCsv(rows), {
          headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="benchmarks-${stamp}.csv"` },
        })
      : NextResponse.json(rows, { headers: { "content-disposition": `attachment; filename="benchmarks-${stamp}.json"` } });
  } catch (error) {
    return errorResponse(error, "GET /api/benchmarks");
  }
}

const requestSchema = z
  .object({ rerun: z.array(z.number().int().positive()).min(1).max(500).optional() })
  .strict();

/**
 * Starts a benchmark sweep now: `{}` checks every followed tag for new versions and runs
 * what is due; `{ "rerun": [ids] }` first queues those finished benchmarks again.
 */
export async function POST(request: Request) {
  try {
    const body = parseJsonBody(await readBodyLimited(request, 16 * 1024), requestSchema);
    const actor = (await requestUser(request))?.name ?? "web";
    let sent;
    try {
      sent = await requestBenchmarkSweep(await getDb(), { actor, reason: body.rerun ? "rerun" : "manual", rerun: body.rerun });
    } catch (error) {
      if ((error as Error).name === "BenchmarkStateError") throw new ApiError(409, "benchmark_busy", (error as Error).message);
      throw error;
    }
    return NextResponse.json({ ...sent, rerun: body.rerun ?? [] }, { status: 202 });
  } catch (error) {
    return errorResponse(error, "POST /api/benchmarks");
  }
}
