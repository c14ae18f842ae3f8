/** Serving predictions: request parsing, the predict service with its inference worker and micro-batching, the OpenAPI document. */
export { InferencePool, type BatchingOptions } from "./inference-pool";
export { predictionSchema, predictOperation, predictQuerySchema, predictWrongMethodOperation, type Prediction } from "./api";
export { PredictService, type PredictionSink } from "./predict";
export { predictRoute, predictWrongMethodRoute } from "./predict-route";
export { parsePredictRequest, PREDICT_MEDIA_TYPES, type PredictInput, type PredictRequest } from "./request";
export { closePredictService, PREDICT_LIMITS, predictService } from "./service";
