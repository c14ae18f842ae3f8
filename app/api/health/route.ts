import { NextResponse } from "next/server";
import { requestUser } from "@/lib/auth";
import { checkHealth, healthOperation, publicHealth } from "@/lib/health";
import { route } from "@/lib/http";

export const GET = route(healthOperation, async ({ request }) => {
  const report = await checkHealth();
  const full = (await requestUser(request))?.role === "admin";
  return NextResponse.json(full ? report : publicHealth(report), { status: report.ok ? 200 : 503 });
});
