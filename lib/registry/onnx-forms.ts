import { and, eq, sql } from "drizzle-orm";
import { auditLog, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { buildArtifact, getArtifact, layersModelToOnnx, ONNX_FILE, OnnxExportError, putArtifact, type ManifestInput, type ModelManifest } from "@/lib/ml";
import type { ObjectStore } from "@/lib/storage";

const log = createLogger("registry.onnx");

export interface OnnxFormsResult {
  added: Array<{ id: number; onnxBytes: number }>;
  /** Models whose layers have no exact ONNX form (named in the log). */
  unsupported: number[];
  /** Artifacts whose stored bytes do not match the registry: left to the consistency check. */
  skipped: number[];
}

function inputOf(manifest: ModelManifest): ManifestInput {
  const input: Partial<ModelManifest> = { ...manifest };
  delete input.format;
  delete input.weights;
  delete input.weightsSha256;
  return input as ManifestInput;
}

/**
 * The one-off migration for models registered before ONNX Runtime served them: every tfjs
 * layers artifact without an ONNX form gets one (lib/ml/onnx-export.ts), stored as part of
 * the artifact with its sha256 in the manifest; the registry row's manifest and digest
 * follow, and an `onnx_form_added` audit row records each. Idempotent (finds only what is
 * left), and safe to stop at any point: the artifact is rewritten inside the transaction that
 * updates its row, and one rewritten by a run that died before committing is recognised
 * (its weights without the ONNX file match the registry) and committed by the next run.
 */
export async function addMissingOnnxForms(db: Db, store: ObjectStore): Promise<OnnxFormsResult> {
  const result: OnnxFormsResult = { added: [], unsupported: [], skipped: [] };
  const candidates = await db
    .select({ id: modelVersions.id, artifactKey: modelVersions.artifactKey, weightsSha256: modelVersions.weightsSha256 })
    .from(modelVersions)
    .where(
      and(
        sql`${modelVersions.manifest}->>'runtime' = 'tfjs-layers'`,
        sql`not (${modelVersions.manifest}->'weights' @> ${JSON.stringify([{ path: ONNX_FILE }])}::jsonb)`,
      ),
    )
    .orderBy(modelVersions.id);
  for (const row of candidates) {
    const stored = await getArtifact(store, row.artifactKey);
    const { [ONNX_FILE]: existing, ...layersFiles } = stored.files;
    const base = buildArtifact(inputOf(stored.manifest), layersFiles);
    if (base.manifest.weightsSha256 !== row.weightsSha256) {
      log.warn(`model version ${row.id}: its stored weights do not match the registry; no ONNX form added`, { modelVersionId: row.id });
      result.skipped.push(row.id);
      continue;
    }
    let onnxModel = existing;
    if (!onnxModel) {
      try {
        onnxModel = layersModelToOnnx(layersFiles, { producerVersion: String(stored.manifest.frameworkVersions["@tensorflow/tfjs"] ?? "tfjs") });
      } catch (error) {
        if (!(error instanceof OnnxExportError)) throw error;
        log.info(`model version ${row.id} has no ONNX form: ${error.message}`, { modelVersionId: row.id });
        result.unsupported.push(row.id);
        continue;
      }
    }
    const artifact = buildArtifact(inputOf(stored.manifest), { ...layersFiles, [ONNX_FILE]: onnxModel });
    await db.transaction(async (tx) => {
      const updated = await tx
        .update(modelVersions)
        .set({ manifest: artifact.manifest as unknown as Record<string, unknown>, weightsSha256: artifact.manifest.weightsSha256 })
        .where(and(eq(modelVersions.id, row.id), eq(modelVersions.weightsSha256, row.weightsSha256)))
        .returning({ id: modelVersions.id });
      if (updated.length === 0) return;
      await tx.insert(auditLog).values({
        actor: "system",
        action: "onnx_form_added",
        entity: "model_versions",
        entityId: String(row.id),
        before: { weightsSha256: row.weightsSha256 },
        after: { weightsSha256: artifact.manifest.weightsSha256, onnxBytes: onnxModel.byteLength },
      });
      // Inside the transaction: if the write fails, the row keeps its old digest. (A rewrite already done by a run that died is rewritten identically.)
      await putArtifact(store, row.artifactKey, artifact);
      result.added.push({ id: row.id, onnxBytes: onnxModel.byteLength });
    });
  }
  if (result.added.length) log.info(`added the ONNX form of ${result.added.length} model version(s)`, { ids: result.added.map((a) => a.id) });
  return result;
}
