import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { parsePredictRequest, PREDICT_LIMITS, PREDICT_MEDIA_TYPES, predictService } from "@/lib/serving";

/** Classifies one character: JSON pixels, a JSON data URL, multipart upload or a raw image body. */
export const POST = route({ accepts: PREDICT_MEDIA_TYPES, limits: PREDICT_LIMITS }, async (request) => {
  const parsed = await parsePredictRequest(request, config().predict.maxBytes);
  return NextResponse.json(await (await predictService()).predict(parsed));
});

export const GET = route({}, async () => {
  throw new ApiError(405, "method_not_allowed", "Use POST; the API is described at /api/openapi.json", undefined, { Allow: "POST" });
});
