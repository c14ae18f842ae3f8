/**
 * The ML core: model artifacts (manifest + weights), the model families (logistic regression,
 * decision tree, CNN) and their runtime (tfjs-node or wasm), classifiers, and training and
 * evaluation in worker threads. tfjs itself is loaded on first use, not by importing this.
 */
export {
  ARTIFACT_FORMAT,
  ArtifactError,
  buildArtifact,
  getArtifact,
  KMNIST_PREPROCESSING,
  MANIFEST_FILE,
  manifestSchema,
  parseManifest,
  putArtifact,
  readArtifactDir,
  verifyArtifact,
  writeArtifactDir,
  type ManifestInput,
  type ModelArtifact,
  type ModelManifest,
} from "./artifact";
export { artifactFromFlatFiles, artifactFromZip, artifactToZip, DEFAULT_ZIP_LIMITS, looksLikeZip, readFlatZip, type ZipLimits } from "./artifact-zip";
export { mlRuntime, type BackendName, type MlRuntime, type Tf } from "./backend";
export { accuracyOf, argmax, loadClassifier, predictAll } from "./classifier";
export { ALGORITHMS, isAlgorithm, MODEL_FAMILIES, modelFamily, type Algorithm } from "./families";
export { buildCnn } from "./families/cnn";
export { bytesToUnitFloats, loadLayersClassifier, serialiseLayersModel } from "./families/tfjs-io";
export { growTree, TREE_FILE, treeClassifier, type SerialisedTree } from "./families/tree";
export type { Classifier, LabelledImages, LinearWeights, ModelFamily, TrainedWeights, TrainProgress } from "./families/types";
export { knnPredict } from "./knn";
export { layersModelToOnnx, ONNX_FILE, ONNX_OPSET, OnnxExportError } from "./onnx-export";
export {
  inspectOnnx,
  ONNX_IMPORT_LIMITS,
  onnxArtifact,
  OnnxImportError,
  onnxModelSpecSchema,
  preprocessingOfOnnxSpec,
  type OnnxModelSpec,
  type OnnxRejection,
  type OnnxSignature,
} from "./onnx-import";
export { loadOnnxClassifier, type OnnxClassifier, type OnnxForm, type OnnxOptions } from "./onnx-runtime";
export { loadInferenceModel, NoOnnxFormError, type InferenceModel, type InferencePreference } from "./inference-model";
export { evaluateInWorker, runTrainJobInWorker } from "./run-in-worker";
export { runTrainJob, type TrainJob, type TrainJobResult } from "./train-job";
