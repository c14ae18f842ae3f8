import { NextResponse } from "next/server";
import { requestUser } from "@/lib/auth";
import { benchmarksToCsv, exportBenchmarks, listBenchmarks, listBenchmarksOperation, requestBenchmarkSweep, runBenchmarksOperation } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { dateStamp, download, route } from "@/lib/http";

export const GET = route(listBenchmarksOperation, async ({ query: { format, ...query } }) => {
  const db = await getDb();
  if (!format) return NextResponse.json(await listBenchmarks(db, query));
  const rows = await exportBenchmarks(db, query);
  const name = `benchmarks-${dateStamp()}.${format}`;
  return format === "csv" ? download(benchmarksToCsv(rows), "text/csv; charset=utf-8", name) : download(JSON.stringify(rows), "application/json", name);
});

export const POST = route(runBenchmarksOperation, async ({ request, body: { rerun } }) => {
  const sent = await requestBenchmarkSweep(await getDb(), { actor: (await requestUser(request))?.name ?? "web", reason: rerun ? "rerun" : "manual", rerun });
  return NextResponse.json({ ...sent, rerun: rerun ?? [] }, { status: 202 });
});
