/** The model registry: models and their immutable versions, aliases (champion) and their history, uploads and drops. */
export { downloadArtifactOperation, uploadedModelSchema, uploadModelOperation, type UploadedModel } from "./api";
export { aliasHistoryOf, aliasTarget, archiveVersion, CHAMPION, promote, RegistryError, rollback, type AliasChange } from "./aliases";
export { pollModelDrops, type DropResult } from "./drop";
export { bestUnaliasedChampion, DEFAULT_MODEL_REF, ModelRefError, resolveModelRef, type ResolvedModel } from "./resolve";
export { getModelVersion, MODEL_SORTS, modelVersionQuerySchema, searchModelVersions, type ModelVersionQuery, type ModelVersionRow } from "./search";
export { modelLineage } from "./lineage";
export { addMissingOnnxForms, type OnnxFormsResult } from "./onnx-forms";
export { registerUploadedModel, UploadRejectedError, uploadMetadataSchema, type UploadMetadata } from "./upload";
export { parseUploadRequest } from "./upload-request";
export { artifactPrefix, countModelVersions, registerModelVersion, versionLabel, type ModelVersion, type RegisterOptions } from "./versions";
export { FollowsError, followsSchema, setFollows, setFollowsOperation } from "./follows";
