import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { NUM_CLASSES } from "@/lib/kmnist";
import type { ObjectStore } from "@/lib/storage";

/**
 * A model artifact is a manifest plus weight files. The manifest names every weight file
 * with its sha256, and `weightsSha256` digests that list, so changing any byte of any
 * weight file makes the artifact refuse to load.
 */

export const ARTIFACT_FORMAT = "kana-model/1";
export const MANIFEST_FILE = "manifest.json";

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, "weight files are plain names inside the artifact (no folders, no '..')")
  .refine((n) => n !== MANIFEST_FILE && n !== "." && n !== "..", "reserved file name");

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lowercase hex characters");

export const manifestSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "lowercase letters, digits, '.', '_' or '-' (max 63)"),
  version: z.number().int().positive().optional(),
  algorithm: z.string().min(1).max(64),
  author: z.string().min(1).max(200),
  datasetTag: z.string().min(1).max(100),
  /** "onnx": a model from another framework, brought as an ONNX file (lib/ml/onnx-import.ts). */
  runtime: z.enum(["tfjs-layers", "decision-tree-json", "onnx"]),
  hyperparameters: z.record(z.string(), z.unknown()),
  /**
   * What the model's input and output are. Models trained here take 28x28x1 (NHWC) floats
   * in 0-1, white ink on black, and answer probabilities; an imported ONNX model declares its
   * own, and the runtime converts our images to it.
   */
  preprocessing: z.object({
    input: z.enum(["28x28x1", "1x28x28", "784"]),
    scale: z.enum(["0-1", "0-255"]),
    polarity: z.enum(["white-ink-on-black", "black-ink-on-white"]),
    output: z.enum(["probabilities", "logits"]).default("probabilities"),
  }),
  /** The class of each output, in the model's output order (a permutation of the ten). */
  labels: z
    .array(
      z.object({
        label: z
          .number()
          .int()
          .min(0)
          .max(NUM_CLASSES - 1),
        char: z.string().min(1),
      }),
    )
    .length(NUM_CLASSES)
    .refine((labels) => new Set(labels.map((l) => l.label)).size === NUM_CLASSES, "labels must name each of the ten classes once"),
  metrics: z.array(z.string().min(1)).default([]),
  created: z.iso.datetime(),
  frameworkVersions: z.record(z.string(), z.string()),
  trainingData: z
    .object({ tag: z.string(), contentHash: sha256, protocol: z.enum(["official", "offline"]), records: z.number().int() })
    .nullable()
    .default(null),
  evaluation: z.record(z.string(), z.number()).optional(),
  weights: z.array(z.object({ path: fileName, sha256, bytes: z.number().int().nonnegative() })).min(1),
  weightsSha256: sha256,
});

export type ModelManifest = z.infer<typeof manifestSchema>;

/** What models trained here take and give: KMNIST's own 28x28 white-on-black pixels as 0-1 floats, NHWC, probabilities out. */
export const KMNIST_PREPROCESSING: ModelManifest["preprocessing"] = { input: "28x28x1", scale: "0-1", polarity: "white-ink-on-black", output: "probabilities" };
export type ManifestInput = Omit<ModelManifest, "format" | "weights" | "weightsSha256">;

export interface ModelArtifact {
  manifest: ModelManifest;
  files: Record<string, Uint8Array>;
}

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

const sha256Hex = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

const listDigest = (weights: ModelManifest["weights"], order: (a: string, b: string) => number) =>
  sha256Hex(
    [...weights]
      .sort((a, b) => order(a.path, b.path))
      .map((w) => `${w.path} ${w.sha256} ${w.bytes}\n`)
      .join(""),
  );

/** The digest of the weight list, its lines in UTF-8 byte order of their paths: the same on every machine. */
function digestOfWeights(weights: ModelManifest["weights"]): string {
  return listDigest(weights, (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * Artifacts written before 2026-12 sorted the list with localeCompare, which depends on the
 * machine's locale; they still verify, under the same en-US collation they were written with.
 */
function legacyDigestOfWeights(weights: ModelManifest["weights"]): string {
  return listDigest(weights, (a, b) => a.localeCompare(b, "en-US"));
}

export function buildArtifact(input: ManifestInput, files: Record<string, Uint8Array>): ModelArtifact {
  const weights = Object.entries(files).map(([p, data]) => ({ path: p, sha256: sha256Hex(data), bytes: data.byteLength }));
  const manifest = parseManifest({ ...input, format: ARTIFACT_FORMAT, weights, weightsSha256: digestOfWeights(weights) });
  return { manifest, files };
}

export function parseManifest(value: unknown): ModelManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "manifest"}: ${i.message}`);
    throw new ArtifactError(`Invalid manifest: ${issues.join("; ")}`);
  }
  // The registry stores the manifest in PostgreSQL, whose text and jsonb cannot hold NUL.
  if (JSON.stringify(parsed.data).includes("\\u0000")) throw new ArtifactError("Invalid manifest: it contains NUL characters");
  return parsed.data;
}

/** Refuses an artifact whose files differ in any byte from what its manifest records. */
export function verifyArtifact(artifact: ModelArtifact): void {
  const { manifest, files } = artifact;
  if (digestOfWeights(manifest.weights) !== manifest.weightsSha256 && legacyDigestOfWeights(manifest.weights) !== manifest.weightsSha256) {
    throw new ArtifactError("manifest weightsSha256 does not match its list of weight files");
  }
  const listed = new Set(manifest.weights.map((w) => w.path));
  for (const name of Object.keys(files)) {
    if (!listed.has(name)) throw new ArtifactError(`file ${name} is not listed in the manifest`);
  }
  for (const w of manifest.weights) {
    const data = files[w.path];
    if (!data) throw new ArtifactError(`weight file ${w.path} is missing`);
    if (data.byteLength !== w.bytes || sha256Hex(data) !== w.sha256) {
      throw new ArtifactError(`weight file ${w.path} does not match its sha256 in the manifest (changed or corrupt)`);
    }
  }
}

export async function writeArtifactDir(artifact: ModelArtifact, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const [name, data] of Object.entries(artifact.files)) await fs.writeFile(path.join(dir, name), data);
  await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(artifact.manifest, null, 2));
}

async function assemble(readFile: (name: string) => Promise<Uint8Array>): Promise<ModelArtifact> {
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(Buffer.from(await readFile(MANIFEST_FILE)).toString("utf8"));
  } catch (error) {
    throw new ArtifactError(`${MANIFEST_FILE} is missing or not JSON (${(error as Error).message})`);
  }
  const manifest = parseManifest(manifestJson);
  const files: Record<string, Uint8Array> = {};
  for (const w of manifest.weights) {
    try {
      files[w.path] = await readFile(w.path);
    } catch {
      throw new ArtifactError(`weight file ${w.path} is missing`);
    }
  }
  const artifact = { manifest, files };
  verifyArtifact(artifact);
  return artifact;
}

export function readArtifactDir(dir: string): Promise<ModelArtifact> {
  return assemble((name) => fs.readFile(path.join(dir, name)));
}

export async function putArtifact(store: ObjectStore, prefix: string, artifact: ModelArtifact): Promise<void> {
  verifyArtifact(artifact);
  for (const [name, data] of Object.entries(artifact.files)) await store.put(`${prefix}/${name}`, data);
  // Manifest last: its presence marks a complete artifact.
  await store.put(`${prefix}/${MANIFEST_FILE}`, Buffer.from(JSON.stringify(artifact.manifest, null, 2)), { contentType: "application/json" });
}

export function getArtifact(store: ObjectStore, prefix: string): Promise<ModelArtifact> {
  return assemble((name) => store.get(`${prefix}/${name}`));
}
