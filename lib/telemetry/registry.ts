import client from "prom-client";

/**
 * What an operator scrapes from `/metrics` (Prometheus text format): requests and their
 * latency per API operation, predictions per model, inference batching, and the prediction
 * log's health. Counted where it happens; read by `renderMetrics`.
 */
export interface Telemetry {
  registry: client.Registry;
  httpRequests: client.Counter<"route" | "method" | "status">;
  httpDuration: client.Histogram<"route" | "method">;
  predictions: client.Counter<"model" | "outcome">;
  predictionDuration: client.Histogram<"model">;
  inferenceBatchSize: client.Histogram;
  inferenceQueueDepth: client.Gauge;
  predictionLog: client.Counter<"result">;
}

// Milliseconds to seconds: the hot path answers in ~1 ms, a slow image decode in seconds.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function create(): Telemetry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "kana_" });
  const registers = [registry];
  return {
    registry,
    httpRequests: new client.Counter({
      name: "kana_http_requests_total",
      help: "API requests answered, by operation (its path template), method and status",
      labelNames: ["route", "method", "status"],
      registers,
    }),
    httpDuration: new client.Histogram({
      name: "kana_http_request_duration_seconds",
      help: "Time from a request reaching its handler to its response, by operation",
      labelNames: ["route", "method"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    predictions: new client.Counter({
      name: "kana_predictions_total",
      help: "Predictions answered, by model (name@version) and outcome (confident or unsure)",
      labelNames: ["model", "outcome"],
      registers,
    }),
    predictionDuration: new client.Histogram({
      name: "kana_prediction_duration_seconds",
      help: "Preprocessing and inference of one prediction, by model",
      labelNames: ["model"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    inferenceBatchSize: new client.Histogram({
      name: "kana_inference_batch_size",
      help: "Images per batch sent to the inference worker (micro-batching)",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    }),
    inferenceQueueDepth: new client.Gauge({
      name: "kana_inference_queue_depth",
      help: "Images waiting for or in inference right now",
      registers,
    }),
    predictionLog: new client.Counter({
      name: "kana_prediction_log_entries_total",
      help: "Prediction log entries by result: written, dropped (queue full) or failed (write error)",
      labelNames: ["result"],
      registers,
    }),
  };
}

const globalForTelemetry = globalThis as unknown as { kanaTelemetry?: Telemetry };

/** The process's metrics: on globalThis, since Next bundles each route separately and the custom server loads its own copy. */
export function telemetry(): Telemetry {
  globalForTelemetry.kanaTelemetry ??= create();
  return globalForTelemetry.kanaTelemetry;
}

/** The Prometheus text exposition of everything counted so far, with its content type. */
export async function renderMetrics(): Promise<{ text: string; contentType: string }> {
  const { registry } = telemetry();
  return { text: await registry.metrics(), contentType: registry.contentType };
}
