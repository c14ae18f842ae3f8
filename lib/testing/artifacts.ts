import { KMNIST_CLASSES } from "@/lib/kmnist";
import { buildArtifact, KMNIST_PREPROCESSING, type ManifestInput, type ModelArtifact } from "@/lib/ml";

/** A one-leaf CART tree: it loads and answers (fixed probabilities), so it passes the ML core's load check and can serve predictions. */
export const ONE_LEAF_TREE = {
  kind: "cart",
  classes: 10,
  features: 784,
  feature: [-1],
  threshold: [0],
  left: [-1],
  right: [-1],
  counts: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
};

/**
 * A decision-tree artifact for tests that need a registered model but not a trained one.
 * `tree` defaults to a stub (fine for registry tests; a served model needs a real tree).
 * `paddingBytes` of trailing whitespace (still valid JSON) make the weights file slow to write.
 */
export function treeArtifact(name: string, options: { tree?: unknown; manifest?: Partial<ManifestInput>; paddingBytes?: number } = {}): ModelArtifact {
  return buildArtifact(
    {
      name,
      algorithm: "tree",
      author: "tests",
      datasetTag: "kmnist-holdout",
      runtime: "decision-tree-json",
      hyperparameters: {},
      preprocessing: KMNIST_PREPROCESSING,
      labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })),
      metrics: [],
      created: new Date().toISOString(),
      frameworkVersions: {},
      trainingData: null,
      ...options.manifest,
    },
    { "tree.json": Buffer.from(JSON.stringify(options.tree ?? { kind: "cart", name }) + " ".repeat(options.paddingBytes ?? 0)) },
  );
}
