import { buildArtifact, type ManifestInput, type ModelArtifact } from "./artifact";
import { mlRuntime } from "./backend";
import { accuracyOf, loadClassifier, predictAll } from "./classifier";
import { modelFamily } from "./families";
import type { LabelledImages, TrainProgress } from "./families/types";
import { layersModelToOnnx, ONNX_FILE, OnnxExportError } from "./onnx-export";

/** Everything a training job needs; plain data so it can cross into a worker thread. */
export interface TrainJob {
  algorithm: string;
  hyperparameters: Record<string, unknown>;
  train: LabelledImages;
  holdout: LabelledImages;
  /** A validation split of the training data (hyperparameter search trials): scored too, so a search selects on it and not on the holdout. */
  validation?: LabelledImages;
  /** Manifest fields decided by the caller (name, author, dataset tag, training data, ...). */
  manifest: Omit<ManifestInput, "algorithm" | "runtime" | "hyperparameters" | "frameworkVersions" | "evaluation" | "created">;
}

export interface TrainJobResult {
  artifact: ModelArtifact;
  holdoutAccuracy: number;
  /** Accuracy on `validation`, when the job had one. */
  validationAccuracy?: number;
  trainSeconds: number;
  backend: string;
  backendDetail: string;
}

/**
 * The ONNX form of a tfjs-layers model, stored beside its weights (listed with its sha256 in
 * the manifest) so that ONNX Runtime can serve it. A model the exporter cannot express keeps
 * its tfjs form only.
 */
function onnxForm(runtime: string, files: Record<string, Uint8Array>, tfjsVersion: string): Record<string, Uint8Array> {
  if (runtime !== "tfjs-layers") return {};
  try {
    return { [ONNX_FILE]: layersModelToOnnx(files, { producerVersion: `tfjs ${tfjsVersion}` }) };
  } catch (error) {
    if (error instanceof OnnxExportError) return {};
    throw error;
  }
}

/** Trains one model, evaluates it on the holdout set and packages it as an artifact. */
export async function runTrainJob(job: TrainJob, onProgress: (p: TrainProgress) => void): Promise<TrainJobResult> {
  const rt = await mlRuntime();
  const family = modelFamily(job.algorithm);
  const hyperparameters = family.hyperparameters.parse(job.hyperparameters) as Record<string, unknown>;
  const started = performance.now();
  const weights = await family.train(rt, job.train, hyperparameters, onProgress);
  const trainSeconds = (performance.now() - started) / 1000;

  const manifest: ManifestInput = {
    ...job.manifest,
    algorithm: family.algorithm,
    runtime: family.runtime,
    hyperparameters,
    created: new Date().toISOString(),
    frameworkVersions: { "@tensorflow/tfjs": rt.tf.version.tfjs, backend: rt.backend, node: process.versions.node },
  };
  // Evaluate through the same loader that serving uses, so the artifact is known to load.
  const classifier = await loadClassifier(rt, buildArtifact(manifest, weights.files));
  let holdoutAccuracy: number;
  let validationAccuracy: number | undefined;
  try {
    holdoutAccuracy = accuracyOf(await predictAll(classifier, job.holdout), job.holdout.labels);
    if (job.validation) validationAccuracy = accuracyOf(await predictAll(classifier, job.validation), job.validation.labels);
  } finally {
    classifier.dispose();
  }
  const artifact = buildArtifact(
    { ...manifest, evaluation: { holdoutAccuracy } },
    { ...weights.files, ...onnxForm(family.runtime, weights.files, rt.tf.version.tfjs) },
  );
  return { artifact, holdoutAccuracy, validationAccuracy, trainSeconds, backend: rt.backend, backendDetail: rt.detail };
}
