import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { createTempStore } from "@/lib/testing/database";
import {
  ArtifactError,
  buildArtifact,
  getArtifact,
  KMNIST_PREPROCESSING,
  MANIFEST_FILE,
  putArtifact,
  readArtifactDir,
  verifyArtifact,
  writeArtifactDir,
  type ManifestInput,
} from "./artifact";

const manifestInput: ManifestInput = {
  name: "kmnist-test",
  algorithm: "tree",
  author: "tests",
  datasetTag: "kmnist-train",
  runtime: "decision-tree-json",
  hyperparameters: { maxDepth: 3 },
  preprocessing: KMNIST_PREPROCESSING,
  labels: KMNIST_CLASSES.map(({ label, char }) => ({ label, char })),
  metrics: ["accuracy"],
  created: new Date("2026-01-01T00:00:00Z").toISOString(),
  frameworkVersions: { node: "20" },
  trainingData: null,
};

const files = () => ({ "tree.json": Buffer.from('{"kind":"cart"}'), "extra.bin": Uint8Array.from([1, 2, 3]) });

let dir: string;
let store: Awaited<ReturnType<typeof createTempStore>>;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "kana-artifact-"));
  store = await createTempStore();
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await store.cleanup();
});

describe("model artifacts", () => {
  it("round-trips through a directory and the object store", async () => {
    const artifact = buildArtifact(manifestInput, files());
    expect(artifact.manifest.weights.map((w) => w.path).sort()).toEqual(["extra.bin", "tree.json"]);
    await writeArtifactDir(artifact, dir);
    const fromDir = await readArtifactDir(dir);
    expect(fromDir.manifest).toEqual(artifact.manifest);
    expect(Buffer.from(fromDir.files["extra.bin"])).toEqual(Buffer.from([1, 2, 3]));

    await putArtifact(store, "models/kmnist-test/1", fromDir);
    const fromStore = await getArtifact(store, "models/kmnist-test/1");
    expect(fromStore.manifest).toEqual(artifact.manifest);
  });

  it("refuses changed weights", async () => {
    await writeArtifactDir(buildArtifact(manifestInput, files()), dir);
    await fs.writeFile(path.join(dir, "extra.bin"), Uint8Array.from([1, 2, 4]));
    await expect(readArtifactDir(dir)).rejects.toThrow(/extra\.bin does not match its sha256/);
  });

  it("refuses a manifest whose weight list was edited", async () => {
    const artifact = buildArtifact(manifestInput, files());
    artifact.manifest.weights[0] = { ...artifact.manifest.weights[0], bytes: 999 };
    expect(() => verifyArtifact(artifact)).toThrow(/weightsSha256 does not match/);
  });

  it("refuses missing and unlisted files", async () => {
    const artifact = buildArtifact(manifestInput, files());
    expect(() => verifyArtifact({ ...artifact, files: { "tree.json": artifact.files["tree.json"] } })).toThrow(/extra\.bin is missing/);
    expect(() => verifyArtifact({ ...artifact, files: { ...artifact.files, "evil.js": Buffer.from("x") } })).toThrow(/evil\.js is not listed/);
  });

  it.each([
    ["a weight path with ..", { weights: [{ path: "../x", sha256: "a".repeat(64), bytes: 1 }] }, /weights\.0\.path/],
    ["an uppercase name", { name: "Bad Name" }, /name:/],
    ["nine labels", { labels: manifestInput.labels.slice(1) }, /labels:/],
    ["an unknown runtime", { runtime: "pickle" }, /runtime:/],
  ])("rejects a manifest with %s", async (_what, patch, message) => {
    const artifact = buildArtifact(manifestInput, files());
    await writeArtifactDir(artifact, dir);
    await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...artifact.manifest, ...patch }));
    await expect(readArtifactDir(dir)).rejects.toBeInstanceOf(ArtifactError);
    await expect(readArtifactDir(dir)).rejects.toThrow(message);
  });

  it("rejects a manifest that is not JSON", async () => {
    await fs.writeFile(path.join(dir, MANIFEST_FILE), "{nope");
    await expect(readArtifactDir(dir)).rejects.toThrow(/manifest\.json is missing or not JSON/);
  });
});

describe("weight-list digests", () => {
  // Written by the code of 2026-11 (localeCompare order), with names whose byte order differs.
  const LEGACY = path.join(process.cwd(), "lib", "ml", "fixtures", "legacy-digest-artifact");

  it("verify an artifact written before digests were in byte order", async () => {
    const artifact = await readArtifactDir(LEGACY);
    expect(Object.keys(artifact.files).sort()).toEqual(["Model.json", "group1-shard1of1.bin"]);
    // Rebuilt today, the same files get the byte-order digest, which differs for these names.
    const today = buildArtifact({ ...artifact.manifest }, artifact.files);
    expect(today.manifest.weightsSha256).not.toBe(artifact.manifest.weightsSha256);
    expect(() => verifyArtifact(today)).not.toThrow();
  });

  it("do not depend on the machine's locale", () => {
    const files = {
      "Model.json": new Uint8Array([1]),
      "group1-shard1of1.bin": new Uint8Array([2]),
      "Z.bin": new Uint8Array([3]),
      "z.bin": new Uint8Array([4]),
    };
    const digest = buildArtifact(manifestInput, files).manifest.weightsSha256;
    const original = String.prototype.localeCompare;
    // A machine whose collation orders everything backwards must compute the same digest.
    String.prototype.localeCompare = function (this: string, other: string) {
      return -original.call(this, other);
    } as typeof original;
    try {
      expect(buildArtifact(manifestInput, files).manifest.weightsSha256).toBe(digest);
    } finally {
      String.prototype.localeCompare = original;
    }
  });

  it("still refuse a tampered weight list", async () => {
    const artifact = await readArtifactDir(LEGACY);
    const tampered = { ...artifact, manifest: { ...artifact.manifest, weights: artifact.manifest.weights.map((w) => ({ ...w, bytes: w.bytes + 1 })) } };
    expect(() => verifyArtifact(tampered)).toThrow(ArtifactError);
  });
});
