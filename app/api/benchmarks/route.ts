import { NextResponse } from "next/server";
import { z } from "zod";
import { requestUser } from "@/lib/auth";
import { benchmarkQuerySchema, benchmarksToCsv, exportBenchmarks, listBenchmarks } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { readBodyLimited } from "@/lib/http/errors";
import { parseJsonBody, parseSearchParams, rowIdSchema } from "@/lib/http/params";
import { dateStamp, download } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { requestBenchmarkSweep } from "@/lib/jobs";

const exportSchema = benchmarkQuerySchema.extend({ format: z.enum(["json", "csv"]).optional() });
const requestSchema = z.object({ rerun: z.array(rowIdSchema).min(1).max(500).optional() }).strict();

/** Benchmarks, filtered, sorted and paginated; `?format=csv|json` exports every match (up to 10,000) as a download. */
export const GET = route({}, async (request) => {
  const { format, ...query } = parseSearchParams(new URL(request.url), exportSchema);
  const db = await getDb();
  if (!format) return NextResponse.json(await listBenchmarks(db, query));
  const rows = await exportBenchmarks(db, query);
  const name = `benchmarks-${dateStamp()}.${format}`;
  return format === "csv" ? download(benchmarksToCsv(rows), "text/csv; charset=utf-8", name) : download(JSON.stringify(rows), "application/json", name);
});

/** A sweep now: `{}` checks every followed tag and runs what is due; `{ "rerun": [ids] }` first queues those benchmarks again (all or none). */
export const POST = route({ accepts: ["application/json"] }, async (request) => {
  const { rerun } = parseJsonBody(await readBodyLimited(request, 16 * 1024), requestSchema);
  const sent = await requestBenchmarkSweep(await getDb(), { actor: (await requestUser(request))?.name ?? "web", reason: rerun ? "rerun" : "manual", rerun });
  return NextResponse.json({ ...sent, rerun: rerun ?? [] }, { status: 202 });
});
