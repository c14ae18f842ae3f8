/** The Inngest functions: one per job of lib/jobs' catalogue (served at /api/inngest when JOB_ENGINE=inngest). */
export { benchmarkFunction, functions, monitoringFunction, pollModelsFunction, trainPipelineFunction } from "./functions";
