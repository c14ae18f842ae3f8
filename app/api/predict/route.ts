import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { ApiError, route } from "@/lib/http";
import { parsePredictRequest, PREDICT_LIMITS, predictOperation, predictService, predictWrongMethodOperation } from "@/lib/serving";

/** Classifies one character: JSON pixels, a JSON data URL, multipart upload or a raw image body. */
export const POST = route(
  predictOperation,
  async ({ request, query }) => NextResponse.json(await (await predictService()).predict(await parsePredictRequest(request, config().predict.maxBytes, query))),
  { limits: PREDICT_LIMITS },
);

export const GET = route(predictWrongMethodOperation, async () => {
  throw new ApiError(405, "method_not_allowed", "Use POST; the API is described at /api/openapi.json", undefined, { Allow: "POST" });
});
