import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, modelVersions } from "@/db/schema";
import { seedDefaultTags } from "@/lib/data";
import { checkConsistency } from "@/lib/integrity";
import { buildArtifact, getArtifact, loadInferenceModel, mlRuntime, ONNX_FILE, serialiseLayersModel } from "@/lib/ml";
import { ONE_LEAF_TREE, treeArtifact } from "@/lib/testing/artifacts";
import { createPostgresTestDatabase, createTempStore, type TestDatabase } from "@/lib/testing/database";
import { addMissingOnnxForms } from "./onnx-forms";
import { registerModelVersion } from "./versions";

/** The migration for artifacts registered before they carried an ONNX form (PostgreSQL, a real store, tfjs and ONNX Runtime). */
let database: TestDatabase;
let store: Awaited<ReturnType<typeof createTempStore>>;

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  store = await createTempStore();
  await seedDefaultTags(database.db);
});
afterAll(async () => {
  await database?.cleanup();
  await store?.cleanup();
});

async function oldLayersModel(name: string) {
  const { tf } = await mlRuntime();
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10, activation: "softmax" })] });
  const weights = await serialiseLayersModel(tf, model);
  model.dispose();
  const { manifest } = treeArtifact(name);
  // As registered before: the layers files only.
  return registerModelVersion(database.db, store, { artifact: buildArtifact({ ...manifest, algorithm: "logreg", runtime: "tfjs-layers" }, weights.files) });
}

describe("addMissingOnnxForms", () => {
  it("adds the ONNX form to old layers artifacts only, records it, keeps the store consistent, and finds nothing the second time", async () => {
    const old = await oldLayersModel("old-logreg");
    const tree = await registerModelVersion(database.db, store, { artifact: treeArtifact("a-tree", { tree: ONE_LEAF_TREE }) });
    expect((await getArtifact(store, old.artifactKey)).files[ONNX_FILE]).toBeUndefined();

    const result = await addMissingOnnxForms(database.db, store);
    expect(result.added.map((a) => a.id)).toEqual([old.id]);
    expect(result.skipped).toEqual([]);

    const artifact = await getArtifact(store, old.artifactKey);
    expect(artifact.files[ONNX_FILE]?.byteLength).toBeGreaterThan(1000);
    expect(artifact.manifest.weights.map((w) => w.path)).toContain(ONNX_FILE);
    const [row] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, old.id));
    expect(row.weightsSha256).toBe(artifact.manifest.weightsSha256);
    expect(row.weightsSha256).not.toBe(old.weightsSha256);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, "onnx_form_added"));
    expect(audit).toMatchObject({ actor: "system", entityId: String(old.id), before: { weightsSha256: old.weightsSha256 } });
    expect((await checkConsistency(database.db, store)).problems).toEqual([]);

    const model = await loadInferenceModel(artifact, { preference: "auto", threads: 1 });
    expect(model.runtime).toBe("onnxruntime");
    await model.dispose();
    const [treeRow] = await database.db.select().from(modelVersions).where(eq(modelVersions.id, tree.id));
    expect(treeRow.weightsSha256).toBe(tree.weightsSha256);

    expect(await addMissingOnnxForms(database.db, store)).toEqual({ added: [], unsupported: [], skipped: [] });
  }, 60_000);
});
