export { parseIdx, encodeIdx, IdxFormatError, type IdxArray } from "./idx";
export {
  KMNIST_FILES,
  KmnistChecksumError,
  KmnistUnavailableError,
  locateKmnistFiles,
  downloadKmnistFile,
  OFFICIAL_CHECKSUMS,
  md5Hex,
  type Checksums,
  type KmnistFilePaths,
} from "./kmnist-files";
export { importKmnist, ensureSource, KMNIST_SOURCE, type ImportResult } from "./importer";
export { offlineSplitOf, HOLDOUT_EVERY } from "./protocol";
export { decodeSnapshot, encodeSnapshot, type Snapshot } from "./snapshot";
export {
  DEFAULT_TAGS,
  FEEDBACK_SOURCE,
  FEEDBACK_TAG,
  TRAINING_TAG,
  seedDefaultTags,
  resolveTag,
  latestVersion,
  loadSnapshot,
  listTags,
  trainableTags,
  tagWithVersions,
  contentHashOf,
  UnknownTagError,
  EmptyTagError,
  type DatasetVersion,
  type TagSummary,
} from "./tags";
export { prepareKmnist } from "./prepare";
export { createTag, createTagSchema, isBuiltInTag, sourceNames, TagEditError, tagNameSchema, tagQuerySchema, updateTag, updateTagSchema } from "./tag-edits";
export { appendRecords, type AppendedRecords, type NewRecords } from "./records";
export {
  createImportOperation,
  createTagOperation,
  datasetImportSchema,
  datasetTagSchema,
  getImportOperation,
  importReportSchema,
  listImportsOperation,
  parseImportRequest,
  updateTagOperation,
} from "./api";
export {
  createImport,
  getImport,
  importableSources,
  importJson,
  listImports,
  runImport,
  sourceNameSchema,
  type DatasetImport,
  type ImportReport,
} from "./imports";
export { ensureSourceTags, sourceHoldoutTags, sourceTags } from "./source-tags";
export { versionLineage, type VersionLineage } from "./lineage";
export { isLabelledBatchFolder, pollDataDrops, type DataDropResult } from "./drop-imports";
export {
  BatchRejectedError,
  contentHashOfPixels,
  DEFAULT_BATCH_LIMITS,
  parseLabel,
  parseLabelsCsv,
  readIdxPair,
  readLabelledZip,
  splitOf,
  type BatchErrorCode,
  type BatchLimits,
  type LabelledBatch,
  type Refusal,
  type RefusalReason,
} from "./labelled-batch";
export { featureBin, IMAGE_FEATURES, measureImage, type ImageFeature, type ImageMeasures } from "./features";
export { datasetStatistics, shares, type DatasetStatistics } from "./statistics";
export { versionStatistics, perVersionCache } from "./statistics-cache";

export type { TagQuery } from "./types";
