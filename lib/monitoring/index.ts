/** Drift monitoring: distribution measures over image features, and when they are worth a warning. */
export { klDivergence, hellingerDistance, populationStabilityIndex, averagePairwiseDistance, EPSILON, type Vectors } from "./measures";
export { profileImages, compareProfiles, versionProfile, driftBetweenVersions, IMAGE_FEATURES, SAMPLE_SIZE, type FeatureProfile, type DriftReport, type FeatureDrift, type ProfileFeature } from "./features";
export { driftLevel, DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds, type DriftLevel } from "./thresholds";
