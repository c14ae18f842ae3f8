import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { ApiError, route } from "@/lib/http";
import { predictBatchOperation, predictOperation, predictWrongMethodOperation } from "./api";
import { parsePredictBatchRequest, parsePredictRequest } from "./request";
import { PREDICT_LIMITS, predictService } from "./service";

/**
 * `POST /api/predict`, the one implementation: app/api/predict/route.ts exports it to Next,
 * and the custom server (lib/server) answers the same path with it straight from Node's
 * http, without Next's per-request cost.
 */
export const predictRoute = route(
  predictOperation,
  async ({ request, query }) => NextResponse.json(await (await predictService()).predict(await parsePredictRequest(request, config().predict.maxBytes, query))),
  { limits: PREDICT_LIMITS },
);

export const predictWrongMethodRoute = route(predictWrongMethodOperation, async () => {
  throw new ApiError(405, "method_not_allowed", "Use POST; the API is described at /api/openapi.json", undefined, { Allow: "POST" });
});

/** `POST /api/predict/batch`: many images, one model, a result or an error per item. Served like predictRoute. */
export const predictBatchRoute = route(
  predictBatchOperation,
  async ({ request, query }) => {
    const { maxBytes, maxBatchRequest } = config().predict;
    const batch = await parsePredictBatchRequest(request, { maxBytes, maxItems: maxBatchRequest }, query);
    return NextResponse.json(await (await predictService()).predictBatch(batch));
  },
  { limits: PREDICT_LIMITS },
);
