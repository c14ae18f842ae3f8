import { metricsOperation } from "@/lib/health";
import { route } from "@/lib/http";
import { renderMetrics } from "@/lib/telemetry";

export const GET = route(metricsOperation, async () => {
  const { text, contentType } = await renderMetrics();
  return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
