/**
 * Training orchestration: a model trained on a dataset version and registered with its run
 * (trainAndRegister), the continuous-training pipeline as durable steps, promotion decisions,
 * what the Training page shows, and requests for a run.
 */
export {
  hyperparameterSearchSchema,
  listSearchesOperation,
  pipelineRunSchema,
  requestTrainingOperation,
  searchDetailOperation,
  searchDetailSchema,
  trainingRunSchema,
  trainingStatusOperation,
  trainingStatusSchema,
  type TrainingStatusJson,
} from "./api";
export { decidePromotion, decidePromotionAcross, type HoldoutOutcome, type PromotionDecision, type PromotionThresholds } from "./decision";
export { runTrainingPipeline, trainingPipeline, type PipelineDeps, type PipelineInput, type PipelineRun } from "./pipeline";
export { requestTraining, type JobRequestResult } from "./requests";
export { expireStaleRuns, pipelineBusy, trainingStatus, type TrainingStatus } from "./status";
export { HOLDOUT_TAG, trainAndRegister, trainingTag, trainingVersion, TrainingVersionError, type TrainOutcome, type TrainRequest } from "./train";

export { bestTrial, SEARCH_DEFAULTS, searchAndRegister, SearchError, type SearchRequest } from "./search";
export { listSearches, searchDetail, type HyperparameterSearch, type SearchDetail, type SearchTrial } from "./searches";
export { SEARCH_SPACES, type Dimension, type SearchSpace } from "./search-space";
export { TRIGGER_KINDS, type PipelineCandidate, type PromotionComparison, type SearchStrategy, type TriggerDetail, type TriggerKind } from "./types";
export { liveAccuracyTrigger, trainingDataTrigger, type DataTrigger } from "./triggers";
