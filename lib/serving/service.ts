import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { sharedLimiter, type ClientLimits } from "@/lib/http";
import { BoundedQueue, ConcurrencyLimiter, RateLimiter } from "@/lib/limits";
import { predictionRecorder } from "@/lib/monitoring";
import { InferencePool } from "./inference-pool";
import { PredictService } from "./predict";

/** Per client (PREDICT_RATE_LIMIT, PREDICT_RATE_BURST, PREDICT_CLIENT_CONCURRENCY): generous for a person drawing, not for a flood. */
export const PREDICT_LIMITS: ClientLimits = {
  rate: sharedLimiter("predict.rate", () => {
    const { ratePerSecond, rateBurst } = config().predict;
    return ratePerSecond > 0 ? new RateLimiter({ perSecond: ratePerSecond, burst: rateBurst }) : null;
  }),
  concurrency: sharedLimiter("predict.concurrency", () =>
    config().predict.clientConcurrency > 0 ? new ConcurrencyLimiter(config().predict.clientConcurrency) : null,
  ),
};

const globalForServing = globalThis as unknown as { kanaPredictService?: Promise<PredictService> };

/** The process-wide predict service: one inference worker, shared by every request. */
export function predictService(): Promise<PredictService> {
  globalForServing.kanaPredictService ??= (async () => {
    const { maxBatch, batchWaitMs, decodeConcurrency, decodeQueue } = config().predict;
    const db = await getDb();
    const decoding = new BoundedQueue("decoding images", decodeConcurrency, decodeQueue);
    return new PredictService(db, new InferencePool({ maxBatch, maxWaitMs: batchWaitMs }), predictionRecorder(db), decoding);
  })();
  return globalForServing.kanaPredictService;
}

/** Stops the process's inference worker, if one was started (graceful shutdown). */
export async function closePredictService(): Promise<void> {
  const service = globalForServing.kanaPredictService;
  globalForServing.kanaPredictService = undefined;
  if (service) await (await service).close();
}
