import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { assertValidKey, ObjectNotFoundError, type ObjectInfo, type ObjectStore, type PartialWrite, type PutOptions } from "./types";

interface SidecarMeta {
  bytes: number;
  sha256: string;
  contentType: string;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Objects are files under `<root>/objects`, with a JSON sidecar (size, sha256, content type)
 * under `<root>/meta`. Every write goes to `<root>/tmp` first and is renamed into place,
 * which is atomic on one filesystem.
 */
export class LocalObjectStore implements ObjectStore {
  readonly driver = "local";
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.objectsDir = path.join(root, "objects");
    this.metaDir = path.join(root, "meta");
    this.tmpDir = path.join(root, "tmp");
  }

  private objectPath(key: string) {
    assertValidKey(key);
    return path.join(this.objectsDir, ...key.split("/"));
  }

  private metaPath(key: string) {
    return path.join(this.metaDir, ...key.split("/")) + ".json";
  }

  private async writeAtomically(target: string, data: Uint8Array | string) {
    await fs.mkdir(this.tmpDir, { recursive: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    // The writer's pid in the name tells a crashed write (dead pid) from one in progress.
    const tmp = path.join(this.tmpDir, `${process.pid}-${randomUUID()}.part`);
    try {
      await fs.writeFile(tmp, data, { flag: "wx" });
      await fs.rename(tmp, target);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }

  async put(key: string, data: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const target = this.objectPath(key);
    const meta: SidecarMeta = {
      bytes: data.byteLength,
      sha256: sha256Hex(data),
      contentType: options.contentType ?? "application/octet-stream",
    };
    await this.writeAtomically(target, data);
    await this.writeAtomically(this.metaPath(key), JSON.stringify(meta));
    return { key, ...meta, modifiedAt: (await fs.stat(target)).mtime };
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.objectPath(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const target = this.objectPath(key);
    const stat = await fs.stat(target).catch(() => null);
    if (!stat?.isFile()) return null;
    const meta = await fs
      .readFile(this.metaPath(key), "utf8")
      .then((text) => JSON.parse(text) as SidecarMeta)
      .catch(() => null);
    if (meta && meta.bytes === stat.size) return { key, ...meta, modifiedAt: stat.mtime };
    // A crash between the data and sidecar renames leaves no (or a stale) sidecar: rebuild it.
    const data = await fs.readFile(target);
    const rebuilt: SidecarMeta = { bytes: data.byteLength, sha256: sha256Hex(data), contentType: meta?.contentType ?? "application/octet-stream" };
    await this.writeAtomically(this.metaPath(key), JSON.stringify(rebuilt));
    return { key, ...rebuilt, modifiedAt: stat.mtime };
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.objectPath(key), { force: true });
    await fs.rm(this.metaPath(key), { force: true });
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const trimmed = prefix.replace(/\/+$/, "");
    if (trimmed) assertValidKey(trimmed);
    const start = trimmed ? path.join(this.objectsDir, ...trimmed.split("/")) : this.objectsDir;
    const keys: string[] = [];
    const walk = async (dir: string) => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) keys.push(path.relative(this.objectsDir, full).split(path.sep).join("/"));
      }
    };
    await walk(start);
    keys.sort();
    const infos = await Promise.all(keys.map((key) => this.head(key)));
    return infos.filter((info): info is ObjectInfo => info !== null);
  }

  async partialWrites(): Promise<PartialWrite[]> {
    const names = await fs.readdir(this.tmpDir).catch(() => [] as string[]);
    const found: PartialWrite[] = [];
    for (const name of names) {
      const stat = await fs.stat(path.join(this.tmpDir, name)).catch(() => null);
      if (!stat?.isFile()) continue;
      found.push({ name, bytes: stat.size, modifiedAt: stat.mtime, writerAlive: processAlive(Number(/^(\d+)-/.exec(name)?.[1])) });
    }
    return found;
  }

  async removePartialWrite(name: string): Promise<void> {
    if (!/^[A-Za-z0-9-]+\.part$/.test(name)) throw new Error(`not a temporary write: ${JSON.stringify(name)}`);
    await fs.rm(path.join(this.tmpDir, name), { force: true });
  }

  async ping(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
    await fs.access(this.tmpDir, fs.constants.W_OK);
  }
}

/** Signal 0 probes a pid without touching it; EPERM still means the process exists. */
function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
