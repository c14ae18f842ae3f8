import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { AppConfig } from "@/lib/config";
import { createLogger } from "@/lib/log";
import { readAll } from "@/lib/streams";

const log = createLogger("data.kmnist");

export const KMNIST_FILES = {
  testImages: { name: "t10k-images-idx3-ubyte.gz", md5: "5c965bf0a639b31b8f53240b1b52f4d7" },
  testLabels: { name: "t10k-labels-idx1-ubyte.gz", md5: "7320c461ea6c1c855c0b718fb2a4b134" },
  trainImages: { name: "train-images-idx3-ubyte.gz", md5: "bdb82020997e1d708af4cf47b453dcf7" },
  trainLabels: { name: "train-labels-idx1-ubyte.gz", md5: "e144d726b3acfaa3e44228e80efcd344" },
} as const;

export type KmnistFileId = keyof typeof KMNIST_FILES;
export type KmnistFilePaths = Partial<Record<KmnistFileId, string>>;

export class KmnistChecksumError extends Error {
  constructor(
    public readonly file: string,
    public readonly expected: string,
    public readonly actual: string,
  ) {
    super(`${file}: md5 ${actual} does not match the official ${expected}; the file is corrupt or not the official KMNIST file`);
    this.name = "KmnistChecksumError";
  }
}

export class KmnistUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KmnistUnavailableError";
  }
}

export function md5Hex(data: Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

export type Checksums = Record<KmnistFileId, string>;

export const OFFICIAL_CHECKSUMS: Checksums = {
  testImages: KMNIST_FILES.testImages.md5,
  testLabels: KMNIST_FILES.testLabels.md5,
  trainImages: KMNIST_FILES.trainImages.md5,
  trainLabels: KMNIST_FILES.trainLabels.md5,
};

export function verifyMd5(id: KmnistFileId, data: Uint8Array, checksums: Checksums = OFFICIAL_CHECKSUMS): void {
  const actual = md5Hex(data);
  if (actual !== checksums[id]) throw new KmnistChecksumError(KMNIST_FILES[id].name, checksums[id], actual);
}

type ProgressFn = (file: string, receivedBytes: number, totalBytes: number | null) => void;

/** Downloads one official file into `dir`, verifying its md5 before it becomes visible. */
export async function downloadKmnistFile(
  id: KmnistFileId,
  dir: string,
  options: { baseUrl: string; timeoutMs: number; onProgress?: ProgressFn; fetchImpl?: typeof fetch },
): Promise<string> {
  const { name } = KMNIST_FILES[id];
  const url = new URL(name, options.baseUrl).toString();
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new KmnistUnavailableError(`Could not download ${url} (${cause}). Is this machine offline? Put the official files in KMNIST_DIR instead.`);
  }
  if (!response.ok || !response.body) {
    throw new KmnistUnavailableError(`Could not download ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get("content-length")) || null;
  const data = await readAll(response.body, (received) => options.onProgress?.(name, received, total));
  verifyMd5(id, data);
  await fsp.mkdir(dir, { recursive: true });
  const target = path.join(/* turbopackIgnore: true */ dir, name);
  const tmp = `${target}.${process.pid}.part`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, target);
  return target;
}

function consoleProgress(): ProgressFn {
  let lastPrinted = 0;
  return (file, received, total) => {
    const now = Date.now();
    if (now - lastPrinted < 1000 && received !== total) return;
    lastPrinted = now;
    const pct = total ? ` (${((100 * received) / total).toFixed(0)}%)` : "";
    log.info(`downloading ${file}: ${(received / 1e6).toFixed(1)} MB${pct}`);
  };
}

/**
 * Finds the official files: in `kmnist.dir`, then in the download folder, then (when
 * allowed) downloads what is missing. The test files are required; without the train
 * images the offline protocol applies, so their absence is a warning, not an error.
 */
export async function locateKmnistFiles(kmnist: AppConfig["kmnist"], fetchImpl?: typeof fetch): Promise<KmnistFilePaths> {
  const found: KmnistFilePaths = {};
  const failures: string[] = [];
  for (const id of Object.keys(KMNIST_FILES) as KmnistFileId[]) {
    const { name } = KMNIST_FILES[id];
    const candidate = [kmnist.dir, kmnist.downloadDir].map((d) => path.join(/* turbopackIgnore: true */ d, name)).find((p) => fs.existsSync(p));
    if (candidate) {
      found[id] = candidate;
      continue;
    }
    if (!kmnist.download) continue;
    try {
      found[id] = await downloadKmnistFile(id, kmnist.downloadDir, {
        baseUrl: kmnist.baseUrl,
        timeoutMs: kmnist.downloadTimeoutMs,
        onProgress: consoleProgress(),
        fetchImpl,
      });
      log.info(`downloaded ${name}`, { path: found[id] });
    } catch (error) {
      failures.push((error as Error).message);
      log.warn(`${name} is missing and could not be downloaded`, { error: (error as Error).message });
      // Offline: one failure tells us the rest will fail too; don't wait on each timeout.
      if (error instanceof KmnistUnavailableError) break;
    }
  }
  if (!found.testImages || !found.testLabels) {
    const missing = [KMNIST_FILES.testImages.name, KMNIST_FILES.testLabels.name].join(" and ");
    throw new KmnistUnavailableError(
      `KMNIST test files (${missing}) are not in ${kmnist.dir}` +
        (kmnist.download ? ` and could not be downloaded: ${failures.join("; ")}` : " and KMNIST_DOWNLOAD=never"),
    );
  }
  if (!(found.trainImages && found.trainLabels)) {
    delete found.trainImages;
    delete found.trainLabels;
  }
  return found;
}
