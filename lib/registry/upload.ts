import { eq } from "drizzle-orm";
import { z } from "zod";
import { auditLog, datasetTags } from "@/db/schema";
import type { Db } from "@/lib/db";
import { plainText } from "@/lib/http";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { ArtifactError, artifactFromZip, evaluateInWorker, parseManifest, type ModelArtifact } from "@/lib/ml";
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
  })
  .strict();

export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

/** The upload was refused: `reason` says why, for the person who sent it. Nothing was stored. */
export class UploadRejectedError extends Error {
  readonly status = 422;
  readonly code = "invalid_model";
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UploadRejectedError";
  }
}

// Blank images of every class: enough to prove the ML core loads the model and answers
// with ten probabilities, without reading any dataset.
const LOAD_CHECK = { count: 10, images: new Uint8Array(10 * IMAGE_PIXELS), labels: Uint8Array.from({ length: 10 }, (_, i) => i) };

function withMetadata(artifact: ModelArtifact, metadata: UploadMetadata): ModelArtifact {
  const set = (v: string | undefined) => (v ? v : undefined);
  const metrics = metadata.metrics
    ?.split(",")
    .map((m) => m.trim())
    .filter(Boolean);
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

/**
 * Validates an uploaded artifact zip completely before anything is stored: zip safety
 * (entries, inflated size, zip-slip), manifest schema, weight checksums, an existing
 * dataset tag, and that the ML core loads it and answers. Then registers it (the caller
 * requests its benchmark) and audits who did it.
 */
export async function registerUploadedModel(db: Db, store: ObjectStore, zip: Uint8Array, metadata: UploadMetadata, actor: string): Promise<ModelVersion> {
  let artifact: ModelArtifact;
  try {
    artifact = withMetadata(artifactFromZip(zip), metadata);
  } catch (error) {
    if (error instanceof ArtifactError || error instanceof UploadRejectedError) throw new UploadRejectedError(error.message);
    throw error;
  }
  const { manifest } = artifact;
  const [tag] = await db.select({ id: datasetTags.id }).from(datasetTags).where(eq(datasetTags.name, manifest.datasetTag));
  if (!tag) {
    const known = (await db.select({ name: datasetTags.name }).from(datasetTags)).map((t) => t.name);
    throw new UploadRejectedError(`dataset tag "${manifest.datasetTag}" does not exist (known tags: ${known.join(", ") || "none"})`);
  }
  try {
    await evaluateInWorker(artifact, LOAD_CHECK);
  } catch (error) {
    throw new UploadRejectedError(`the ML core cannot load or run this model: ${(error as Error).message}`);
  }
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
