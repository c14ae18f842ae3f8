/**
 * The job engine: every background job described once (the catalogue), the embedded runner
 * (durable rows, schedules, leases, retries), and sending events to whichever engine runs.
 */
export { inngestOperations, jobAcceptedSchema } from "./api";
export {
  benchmarkJob,
  importDataJob,
  JOB_DEFINITIONS,
  monitoringJob,
  pollModelsJob,
  trainPipelineJob,
  type FollowUpEvent,
  type JobDefinition,
} from "./catalogue";
export { embeddedRunner, sendEvent } from "./engine";
export { BENCHMARKS_REQUESTED, DATA_IMPORT_REQUESTED, MODELS_POLL_REQUESTED, MONITORING_REQUESTED, TRAIN_REQUESTED } from "./events";
export { inngest } from "./inngest-client";
export { EmbeddedRunner, type Job, type RunnerOptions, type StopOptions } from "./runner";
export { directSteps, type StepRunner } from "./steps";
