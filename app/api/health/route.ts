import { NextResponse } from "next/server";
import { requestUser } from "@/lib/auth";
import { checkHealth, publicHealth } from "@/lib/health";
import { route } from "@/lib/http/route";

/** Liveness and dependencies: 200 when every component answers, 503 otherwise; details (paths, causes, latencies) for admins only. */
export const GET = route({}, async (request) => {
  const report = await checkHealth();
  const full = (await requestUser(request))?.role === "admin";
  return NextResponse.json(full ? report : publicHealth(report), { status: report.ok ? 200 : 503 });
});
