export interface ObjectInfo {
  key: string;
  bytes: number;
  sha256: string;
  contentType: string;
  /** When the object was last written. */
  modifiedAt: Date;
}

/** A write that never finished: its temporary file is still there (its writer died, or is still writing). */
export interface PartialWrite {
  name: string;
  bytes: number;
  modifiedAt: Date;
  /** Whether the process that started the write is still running on this machine. */
  writerAlive: boolean;
}

export interface PutOptions {
  contentType?: string;
}

/**
 * The object store holds artifacts, dataset snapshots and stored inputs. Drivers (local
 * filesystem now, S3-compatible later) implement this interface; keys are relative
 * slash-separated paths such as `models/cnn/3/weights.bin`.
 */
export interface ObjectStore {
  readonly driver: string;
  /** Writes atomically: readers see the old object or the whole new one, never a part. */
  put(key: string, data: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  get(key: string): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Temporary files of writes that have not (or never) completed. */
  partialWrites(): Promise<PartialWrite[]>;
  removePartialWrite(name: string): Promise<void>;
  /** Cheap liveness check for the status page. */
  ping(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(public readonly key: string) {
    super(`Object not found: ${key}`);
    this.name = "ObjectNotFoundError";
  }
}

export class InvalidObjectKeyError extends Error {
  constructor(
    public readonly key: string,
    reason: string,
  ) {
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = "InvalidObjectKeyError";
  }
}

const KEY_PATTERN = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Keys never escape the store: no absolute paths, no `..`, no empty segments. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 512) throw new InvalidObjectKeyError(key, "must be 1-512 characters");
  if (!KEY_PATTERN.test(key)) throw new InvalidObjectKeyError(key, "only letters, digits, '.', '_', '-' and '/' separators");
  if (key.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new InvalidObjectKeyError(key, "'.' and '..' segments are not allowed");
  }
}
