import { eq } from "drizzle-orm";
import { z } from "zod";
import { auditLog, datasetTags } from "@/db/schema";
import type { Db } from "@/lib/db";
import { plainText } from "@/lib/http";
import { IMAGE_PIXELS, KMNIST_CLASSES, NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import {
  ArtifactError,
  artifactFromFlatFiles,
  artifactFromZip,
  evaluateInWorker,
  looksLikeZip,
  MANIFEST_FILE,
  onnxArtifact,
  OnnxImportError,
  onnxModelSpecSchema,
  parseManifest,
  readFlatZip,
  type ModelArtifact,
  type OnnxModelSpec,
  type OnnxRejection,
} from "@/lib/ml";
import type { ObjectStore } from "@/lib/storage";
import { registerModelVersion, type ModelVersion } from "./versions";

const log = createLogger("registry.upload");

/** Form fields that override the manifest; empty ones keep the manifest's value. */
export const uploadMetadataSchema = z
  .object({
    name: plainText(63).optional(),
    author: plainText(200).optional(),
    datasetTag: plainText(100).optional(),
    algorithm: plainText(64).optional(),
    /** Metric ids to compute besides the core set, comma-separated. */
    metrics: plainText(1000).optional(),
    // What an ONNX model takes and gives (onnxModelSpecSchema); ignored for artifact zips.
    layout: onnxModelSpecSchema.shape.layout.optional(),
    scale: onnxModelSpecSchema.shape.scale.optional(),
    polarity: onnxModelSpecSchema.shape.polarity.optional(),
    output: onnxModelSpecSchema.shape.output.optional(),
    /** The class of each output, in output order: ten comma-separated class numbers or hiragana. */
    labels: plainText(200).optional(),
  })
  .strict();

export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

/** The upload was refused: `reason` says why, for the person who sent it. Nothing was stored. */
export class UploadRejectedError extends Error {
  readonly status = 422;
  constructor(
    readonly reason: string,
    readonly code: "invalid_model" | OnnxRejection = "invalid_model",
  ) {
    super(reason);
    this.name = "UploadRejectedError";
  }
}

// Blank images, then strokes of growing width: enough to prove the ML core loads the model
// and answers with ten probabilities per image, without reading any dataset.
const LOAD_CHECK = (() => {
  const count = 20;
  const images = new Uint8Array(count * IMAGE_PIXELS);
  for (let k = 10; k < count; k++)
    for (let y = 6; y < 22; y++) for (let x = 14 - (k - 10); x <= 14 + (k - 10); x++) images[k * IMAGE_PIXELS + y * 28 + x] = 255;
  return { count, images, labels: Uint8Array.from({ length: count }, (_, i) => i % NUM_CLASSES) };
})();

/** The form's extra metric ids ("a, b"), if any. */
const metricIds = (metadata: UploadMetadata) =>
  metadata.metrics
    ?.split(",")
    .map((m) => m.trim())
    .filter(Boolean);

/** Ten class numbers or hiragana, comma-separated, to the class of each output. */
function parseLabels(text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  const labels = parts.map((p) => (/^\d$/.test(p) ? Number(p) : KMNIST_CLASSES.findIndex((c) => c.char === p)));
  if (parts.length !== NUM_CLASSES || labels.some((l) => l < 0) || new Set(labels).size !== NUM_CLASSES) {
    throw new UploadRejectedError(`labels: give each of the ten classes once, in output order, as numbers 0-9 or hiragana (got "${text}")`);
  }
  return labels;
}

function onnxSpec(metadata: UploadMetadata): OnnxModelSpec {
  const missing = (["layout", "scale", "polarity", "output"] as const).filter((field) => !metadata[field]);
  if (missing.length) {
    throw new UploadRejectedError(
      `an ONNX model needs ${missing.join(", ")}: say what its input is (layout nchw|nhwc|flat, scale 0-1|0-255, polarity white-on-black|black-on-white) and whether it outputs probabilities or logits`,
    );
  }
  const { layout, scale, polarity, output } = metadata;
  return onnxModelSpecSchema.parse({ layout, scale, polarity, output, labels: metadata.labels ? parseLabels(metadata.labels) : undefined });
}

/** A model name from a file name: "My Net v2.onnx" → "my-net-v2". */
const nameOfFile = (fileName: string) =>
  fileName
    .replace(/\.(onnx|zip)$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 63) || "onnx-model";

/**
 * The ONNX model among a zip's or a drop folder's files (exactly one `.onnx`) as an
 * artifact described by `metadata`.
 */
export function onnxFromFiles(files: Record<string, Uint8Array>, metadata: UploadMetadata, actor: string): ModelArtifact {
  const models = Object.keys(files).filter((n) => n.toLowerCase().endsWith(".onnx"));
  if (models.length !== 1) {
    throw new UploadRejectedError(
      `a zip or folder holds either an artifact (${MANIFEST_FILE} and weights) or exactly one .onnx model; this one has ${models.length} .onnx files and no ${MANIFEST_FILE}`,
    );
  }
  return onnxOf(files[models[0]], models[0], metadata, actor);
}

function onnxOf(bytes: Uint8Array, fileName: string, metadata: UploadMetadata, actor: string): ModelArtifact {
  try {
    return onnxArtifact(bytes, onnxSpec(metadata), {
      name: metadata.name || nameOfFile(fileName),
      author: metadata.author || actor,
      datasetTag: metadata.datasetTag || "kmnist-holdout",
      algorithm: metadata.algorithm || undefined,
      metrics: metricIds(metadata),
    });
  } catch (error) {
    if (error instanceof OnnxImportError) throw new UploadRejectedError(error.message, error.code);
    throw error;
  }
}

/**
 * The uploaded file as an artifact: a zip with a manifest is an artifact zip (its manifest
 * overridden by the form); a zip without one holds an ONNX model, as does a `.onnx` file or
 * a file sent with ONNX fields; anything else is read as a zip and refused as one.
 */
function artifactOfUpload(bytes: Uint8Array, fileName: string, metadata: UploadMetadata, actor: string): ModelArtifact {
  if (looksLikeZip(bytes)) {
    const files = readFlatZip(bytes);
    return files[MANIFEST_FILE] ? withMetadata(artifactFromFlatFiles(files), metadata) : onnxFromFiles(files, metadata, actor);
  }
  const saysOnnx = /\.onnx$/i.test(fileName) || Boolean(metadata.layout || metadata.scale || metadata.polarity || metadata.output);
  return saysOnnx ? onnxOf(bytes, fileName, metadata, actor) : withMetadata(artifactFromZip(bytes), metadata);
}

/** The sample batch's answers must be ten probabilities an image: finite, in [0, 1], summing to 1. */
function checkProbabilities(probabilities: Float32Array, declared: string) {
  for (let k = 0; k < probabilities.length / NUM_CLASSES; k++) {
    const row = probabilities.subarray(k * NUM_CLASSES, (k + 1) * NUM_CLASSES);
    const sum = row.reduce((a, b) => a + b, 0);
    if (!row.every((p) => Number.isFinite(p) && p >= -1e-4 && p <= 1 + 1e-4) || Math.abs(sum - 1) > 1e-3) {
      throw new UploadRejectedError(
        `on the sample batch the model's outputs are not probabilities (image ${k + 1}: sum ${sum.toFixed(3)}, min ${Math.min(...row).toFixed(3)}, max ${Math.max(...row).toFixed(3)})${declared === "probabilities" ? '; if it outputs logits, declare output "logits"' : ""}`,
        "onnx_output_mismatch",
      );
    }
  }
}

function withMetadata(artifact: ModelArtifact, metadata: UploadMetadata): ModelArtifact {
  const set = (v: string | undefined) => (v ? v : undefined);
  const metrics = metricIds(metadata);
  try {
    const manifest = parseManifest({
      ...artifact.manifest,
      name: set(metadata.name) ?? artifact.manifest.name,
      author: set(metadata.author) ?? artifact.manifest.author,
      datasetTag: set(metadata.datasetTag) ?? artifact.manifest.datasetTag,
      algorithm: set(metadata.algorithm) ?? artifact.manifest.algorithm,
      metrics: metrics?.length ? metrics : artifact.manifest.metrics,
      // The registry numbers versions itself.
      version: undefined,
    });
    return { ...artifact, manifest };
  } catch (error) {
    throw new UploadRejectedError((error as Error).message);
  }
}

/** The ML core loads the model and answers a sample batch (an ONNX model: ten probabilities an image), or UploadRejectedError says why not. */
export async function verifyModelRuns(artifact: ModelArtifact): Promise<void> {
  let probabilities: Float32Array;
  try {
    ({ probabilities } = await evaluateInWorker(artifact, LOAD_CHECK));
  } catch (error) {
    throw new UploadRejectedError(
      `the ML core cannot load or run this model: ${(error as Error).message}`,
      artifact.manifest.runtime === "onnx" ? "onnx_run_failed" : "invalid_model",
    );
  }
  if (artifact.manifest.runtime === "onnx") checkProbabilities(probabilities, artifact.manifest.preprocessing.output);
}

/**
 * Validates an upload completely before anything is stored. An artifact zip: zip safety
 * (entries, inflated size, zip-slip), manifest schema, weight checksums. An ONNX model (bare
 * or alone in a zip): its declared form and the static checks of lib/ml/onnx-import.ts. Both:
 * an existing dataset tag, and that the ML core loads it and answers a sample batch (an ONNX
 * model with ten probabilities an image). Then registers it (the caller requests its
 * benchmark) and audits who did it.
 */
export async function registerUploadedModel(
  db: Db,
  store: ObjectStore,
  upload: { bytes: Uint8Array; fileName: string },
  metadata: UploadMetadata,
  actor: string,
): Promise<ModelVersion> {
  let artifact: ModelArtifact;
  try {
    artifact = artifactOfUpload(upload.bytes, upload.fileName, metadata, actor);
  } catch (error) {
    if (error instanceof ArtifactError) throw new UploadRejectedError(error.message);
    throw error;
  }
  const { manifest } = artifact;
  const [tag] = await db.select({ id: datasetTags.id }).from(datasetTags).where(eq(datasetTags.name, manifest.datasetTag));
  if (!tag) {
    const known = (await db.select({ name: datasetTags.name }).from(datasetTags)).map((t) => t.name);
    throw new UploadRejectedError(`dataset tag "${manifest.datasetTag}" does not exist (known tags: ${known.join(", ") || "none"})`);
  }
  await verifyModelRuns(artifact);
  const version = await registerModelVersion(db, store, {
    artifact,
    onRegistered: (tx, registered) =>
      tx
        .insert(auditLog)
        .values({
          actor,
          action: "upload",
          entity: "model_versions",
          entityId: String(registered.id),
          before: null,
          after: { name: manifest.name, version: registered.version, algorithm: manifest.algorithm, author: manifest.author, datasetTag: manifest.datasetTag },
        })
        .then(() => undefined),
  });
  log.info(`uploaded model registered as ${manifest.name}@${version.version}`, { actor, modelVersionId: version.id });
  return version;
}
