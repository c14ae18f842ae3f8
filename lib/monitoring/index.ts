/** Live monitoring: the prediction log, feedback, and drift of live inputs from the training data. */
export { klDivergence, hellingerDistance, populationStabilityIndex, averagePairwiseDistance, EPSILON, type Vectors } from "./measures";
export {
  profileImages,
  compareProfiles,
  versionProfile,
  driftBetweenVersions,
  SAMPLE_SIZE,
  type FeatureProfile,
  type DriftReport,
  type FeatureDrift,
  type VersionDrift,
  type ProfileFeature,
} from "./features";
export { driftLevel, DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds, type DriftLevel } from "./thresholds";
export { flushPredictionLog, PredictionRecorder, predictionRecorder, type PredictionEntry } from "./recorder";
export { feedbackOperation, feedbackResultSchema, feedbackSchema, type FeedbackInput, type FeedbackResult } from "./api";
export { FEEDBACK_LIMITS, FeedbackError, ingestFeedback, initialReview, submitFeedback, type FeedbackSender, type IngestResult } from "./feedback";
export {
  reviewDecisionOperation,
  reviewDecisionSchema,
  reviewFeedback,
  reviewQuerySchema,
  reviewQueue,
  reviewQueueOperation,
  type ReviewQuery,
} from "./review";
export { checkDrift, type DriftCheck } from "./drift-check";
export { purgeOperationalData, purgePredictions, type RetentionResult } from "./retention";
export { monitoringSummary, type MonitoringSummary } from "./queries";
