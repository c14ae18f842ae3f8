/** Operational metrics in Prometheus format: counted across the app, rendered by GET /metrics. */
export { renderMetrics, telemetry, type Telemetry } from "./registry";
