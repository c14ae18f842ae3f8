import { unzipSync, zipSync } from "fflate";
import { ArtifactError, MANIFEST_FILE, parseManifest, verifyArtifact, type ModelArtifact } from "./artifact";

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 64, maxUncompressedBytes: 200 * 1024 * 1024 };

/** An artifact as a zip of its flat directory (manifest.json + weight files). */
export function artifactToZip(artifact: ModelArtifact): Uint8Array {
  return zipSync({ ...artifact.files, [MANIFEST_FILE]: Buffer.from(JSON.stringify(artifact.manifest, null, 2)) });
}

/** True for the bytes of a zip archive (its local-file-header signature). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The files of a flat zip, refusing anything that could escape a directory (zip-slip: `..`,
 * absolute paths, backslashes), too many entries or too many bytes once inflated. One
 * top-level folder, as zip tools often add, is allowed.
 */
export function readFlatZip(zip: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Record<string, Uint8Array> {
  let entries: Record<string, Uint8Array>;
  let inflated = 0;
  let count = 0;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        count++;
        inflated += file.originalSize;
        if (count > limits.maxEntries) throw new ArtifactError(`zip has more than ${limits.maxEntries} entries`);
        if (inflated > limits.maxUncompressedBytes) throw new ArtifactError(`zip inflates to more than ${limits.maxUncompressedBytes} bytes`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ArtifactError) throw error;
    throw new ArtifactError(`not a readable zip file (${(error as Error).message})`);
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith("/"));
  for (const name of names) {
    if (name.startsWith("/") || name.includes("\\") || name.split("/").some((part) => part === ".." || part === ".") || /^[A-Za-z]:/.test(name)) {
      throw new ArtifactError(`zip entry "${name}" has an unsafe path`);
    }
  }
  const prefixes = new Set(names.map((n) => (n.includes("/") ? n.slice(0, n.indexOf("/") + 1) : "")));
  const prefix = prefixes.size === 1 ? [...prefixes][0] : "";
  const files: Record<string, Uint8Array> = {};
  for (const name of names) {
    const local = name.slice(prefix.length);
    if (local.includes("/")) throw new ArtifactError(`zip entry "${name}" is in a sub-folder; artifacts are flat`);
    files[local] = entries[name];
  }
  return files;
}

/** Reads an artifact zip (readFlatZip's checks), refusing any file the manifest does not list. */
export function artifactFromZip(zip: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ModelArtifact {
  return artifactFromFlatFiles(readFlatZip(zip, limits));
}

/** An artifact from a zip's files (readFlatZip): its manifest.json, verified against every other file. Takes ownership of `files`. */
export function artifactFromFlatFiles(files: Record<string, Uint8Array>): ModelArtifact {
  const manifestBytes = files[MANIFEST_FILE];
  if (!manifestBytes) throw new ArtifactError(`zip has no ${MANIFEST_FILE}`);
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(Buffer.from(manifestBytes).toString("utf8"));
  } catch {
    throw new ArtifactError(`${MANIFEST_FILE} is not JSON`);
  }
  const manifest = parseManifest(manifestJson);
  delete files[MANIFEST_FILE];
  const artifact = { manifest, files };
  verifyArtifact(artifact);
  return artifact;
}
