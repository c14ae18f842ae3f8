import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { parsePredictRequest, predictService } from "@/lib/serving";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Classifies one character: JSON pixels, a JSON data URL, multipart upload or a raw image body. */
export async function POST(request: Request) {
  try {
    const parsed = await parsePredictRequest(request, config().predict.maxBytes);
    const prediction = await (await predictService()).predict(parsed);
    return NextResponse.json(prediction);
  } catch (error) {
    return errorResponse(error, "POST /api/predict");
  }
}

export function GET() {
  const response = errorResponse(new ApiError(405, "method_not_allowed", "Use POST; the API is described at /api/openapi.json"), "GET /api/predict");
  response.headers.set("Allow", "POST");
  return response;
}
