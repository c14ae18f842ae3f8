import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { predictionRecorder } from "@/lib/monitoring/recorder";
import { InferencePool } from "./inference-pool";
import { PredictService } from "./predict";

export { InferencePool, type BatchingOptions } from "./inference-pool";
export { PredictService, type Prediction, type PredictionSink } from "./predict";
export { parsePredictRequest, type PredictRequest, type PredictInput } from "./request";

const globalForServing = globalThis as unknown as { kanaPredictService?: Promise<PredictService> };

/** The process-wide predict service: one inference worker, shared by every request. */
export function predictService(): Promise<PredictService> {
  globalForServing.kanaPredictService ??= (async () => {
    const { maxBatch, batchWaitMs } = config().predict;
    const db = await getDb();
    return new PredictService(db, new InferencePool({ maxBatch, maxWaitMs: batchWaitMs }), predictionRecorder(db));
  })();
  return globalForServing.kanaPredictService;
}

/** Stops the process's inference worker, if one was started (graceful shutdown). */
export async function closePredictService(): Promise<void> {
  const service = globalForServing.kanaPredictService;
  globalForServing.kanaPredictService = undefined;
  if (service) await (await service).close();
}
