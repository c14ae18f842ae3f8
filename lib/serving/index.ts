/** Serving predictions: request parsing, the predict service with its inference worker and micro-batching, the OpenAPI document. */
export { InferencePool, type BatchingOptions } from "./inference-pool";
export {
  batchPredictionSchema,
  predictBatchOperation,
  predictionSchema,
  predictOperation,
  predictQuerySchema,
  predictWrongMethodOperation,
  type BatchPrediction,
  type Prediction,
} from "./api";
export { PredictService, type PredictionSink } from "./predict";
export { predictBatchRoute, predictRoute, predictWrongMethodRoute } from "./predict-route";
export {
  parsePredictBatchRequest,
  parsePredictRequest,
  PREDICT_MEDIA_TYPES,
  type PredictBatchRequest,
  type PredictInput,
  type PredictRequest,
} from "./request";
export { closePredictService, PREDICT_LIMITS, predictService } from "./service";
export { liveOperation, liveRoute, openInferenceOperations, openInferenceRoutes, readyOperation, readyRoute } from "./open-inference";
