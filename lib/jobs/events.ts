/** The events that trigger jobs (embedded runner and Inngest alike). */
export const TRAIN_REQUESTED = "kana/train.requested";
export const BENCHMARKS_REQUESTED = "kana/benchmarks.requested";
export const MONITORING_REQUESTED = "kana/monitoring.requested";
export const MODELS_POLL_REQUESTED = "kana/models.poll";
export const DATA_IMPORT_REQUESTED = "kana/data.import.requested";
