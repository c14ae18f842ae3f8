import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { IMAGE_PIXELS, KMNIST_CLASSES, NUM_CLASSES } from "@/lib/kmnist";
import { PreprocessError, preprocessImage, type DecodeLimits } from "@/lib/preprocess";
import { parseIdx } from "./idx";

/**
 * Reading a labelled batch of new handwriting (#18's data-ingestion engine, first part): a
 * zip of images with a `labels.csv`, or a pair of idx files, turned into the 28x28 inputs the
 * model would see (the prediction path's own preprocessing), with a report of what was
 * refused and why. Nothing here stores anything: the caller adds the accepted records to a
 * source as one import batch.
 */

export interface BatchLimits {
  /** Entries in the zip (images, labels.csv, folders). */
  maxEntries: number;
  /** Bytes once inflated, counted while inflating: a zip that lies about its sizes is stopped all the same. */
  maxInflatedBytes: number;
  /** One inflated image file. */
  maxImageBytes: number;
  maxCsvBytes: number;
  maxLineLength: number;
  decode: DecodeLimits;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEntries: 20_001,
  maxInflatedBytes: 256 * 1024 * 1024,
  maxImageBytes: 8 * 1024 * 1024,
  maxCsvBytes: 4 * 1024 * 1024,
  maxLineLength: 1024,
  decode: { maxPixels: 16_000_000, timeoutSeconds: 5 },
};

export type BatchErrorCode = "invalid_archive" | "unsafe_path" | "too_many_entries" | "too_large" | "invalid_labels" | "invalid_idx";

/** The whole batch is refused (nothing of it can be used): `code` names why. */
export class BatchRejectedError extends Error {
  readonly status = 422;
  constructor(
    readonly code: BatchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "BatchRejectedError";
  }
}

export type RefusalReason = "undecodable" | "unknown_label" | "no_ink" | "duplicate" | "missing_image" | "not_labelled" | "formula";

/** One item of the batch that was left out, and why (the rest of the batch is still usable). */
export interface Refusal {
  item: string;
  reason: RefusalReason;
  detail: string;
}

export interface LabelledBatch {
  count: number;
  /** count x 784 bytes, white ink on black: what the model would see. */
  images: Uint8Array;
  labels: Uint8Array;
  /** Where each accepted record came from (a file name, or `#<index>` in an idx pair). */
  items: string[];
  /** sha256 of each record's 784 pixels: duplicates are found by content. */
  contentHashes: string[];
  refused: Refusal[];
}

const HIRAGANA = new Map<string, number>(KMNIST_CLASSES.map((c) => [c.char, c.label]));

/** A label as a person writes it: the class number 0-9 or its hiragana. Null when it is neither. */
export function parseLabel(text: string): number | null {
  const value = text.trim();
  if (/^[0-9]$/.test(value)) return Number(value);
  return HIRAGANA.get(value.normalize("NFC")) ?? null;
}

/**
 * The train/holdout split of a record, from a hash of its identity (source and key, e.g. the
 * content hash): 20 % holdout. The same record always lands on the same side, so a source's
 * holdout never leaks into training and stays put as the source grows.
 */
export function splitOf(source: string, key: string, holdoutPercent = 20): "train" | "holdout" {
  const digest = createHash("sha256").update(`${source}/${key}`).digest();
  return digest.readUInt32BE(0) % 100 < holdoutPercent ? "holdout" : "train";
}

export const contentHashOfPixels = (pixels: Uint8Array) => createHash("sha256").update(pixels).digest("hex");

interface LabelRow {
  file: string;
  label: string;
  line: number;
}

/** A cell a spreadsheet would run as a formula (CSV injection). */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * `labels.csv`: `file,label` per line (a header line `file,label` is allowed), quoted cells
 * as RFC 4180 allows. A NUL byte or an over-long line refuses the whole file.
 */
export function parseLabelsCsv(bytes: Uint8Array, limits: Pick<BatchLimits, "maxCsvBytes" | "maxLineLength">): LabelRow[] {
  if (bytes.length > limits.maxCsvBytes) throw new BatchRejectedError("too_large", `labels.csv is larger than ${limits.maxCsvBytes} bytes`);
  if (bytes.includes(0)) throw new BatchRejectedError("invalid_labels", "labels.csv contains a NUL byte: it is not a text file");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new BatchRejectedError("invalid_labels", "labels.csv is not UTF-8 text");
  }
  const rows: LabelRow[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.length > limits.maxLineLength)
      throw new BatchRejectedError("invalid_labels", `labels.csv line ${line} is longer than ${limits.maxLineLength} characters`);
    if (!raw.trim()) return;
    const cells = splitCsvLine(raw, line);
    if (cells.length !== 2) throw new BatchRejectedError("invalid_labels", `labels.csv line ${line} has ${cells.length} cells; each line is file,label`);
    if (line === 1 && cells[0].trim().toLowerCase() === "file" && cells[1].trim().toLowerCase() === "label") return;
    rows.push({ file: cells[0].trim(), label: cells[1], line });
  });
  if (rows.length === 0) throw new BatchRejectedError("invalid_labels", "labels.csv lists no file");
  return rows;
}

function splitCsvLine(line: string, number: number): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new BatchRejectedError("invalid_labels", `labels.csv line ${number} has an unterminated quote`);
  cells.push(cell);
  return cells;
}

function assertSafePath(name: string) {
  if (name.startsWith("/") || name.includes("\\") || name.includes("\0") || name.split("/").some((part) => part === "..") || /^[A-Za-z]:/.test(name)) {
    throw new BatchRejectedError("unsafe_path", `zip entry "${name.slice(0, 200)}" has an unsafe path`);
  }
}

/**
 * Inflates a zip, counting entries and the bytes actually produced (not the sizes the zip
 * declares) and stopping at the limits: zip bombs, 100k-entry zips and zip-slip paths are
 * refused before they cost more than the limit.
 */
function inflateZip(zip: Uint8Array, limits: BatchLimits): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let entries = 0;
  let inflated = 0;
  let failure: BatchRejectedError | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file: UnzipFile) => {
    if (failure) return;
    entries++;
    if (entries > limits.maxEntries) {
      failure = new BatchRejectedError("too_many_entries", `the zip has more than ${limits.maxEntries} entries`);
      return;
    }
    try {
      assertSafePath(file.name);
    } catch (error) {
      failure = error as BatchRejectedError;
      return;
    }
    if (file.name.endsWith("/")) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = new BatchRejectedError("invalid_archive", `zip entry "${file.name.slice(0, 200)}" cannot be inflated (${error.message})`);
        return;
      }
      size += chunk.length;
      inflated += chunk.length;
      if (inflated > limits.maxInflatedBytes) {
        failure = new BatchRejectedError("too_large", `the zip inflates to more than ${limits.maxInflatedBytes} bytes`);
        file.terminate();
        return;
      }
      if (size > limits.maxImageBytes && file.name !== "labels.csv" && !file.name.endsWith("/labels.csv")) {
        failure = new BatchRejectedError("too_large", `zip entry "${file.name.slice(0, 200)}" inflates to more than ${limits.maxImageBytes} bytes`);
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) files.set(file.name, Buffer.concat(chunks));
    };
    file.start();
  };
  try {
    // In slices: fflate handles a whole buffer of many small entries by recursion, which
    // overflows the stack at ~100k entries; slices also let a failure stop the reading early.
    const SLICE = 64 * 1024;
    for (let at = 0; at < zip.length && !failure; at += SLICE) unzip.push(zip.subarray(at, at + SLICE), at + SLICE >= zip.length);
    if (zip.length === 0) unzip.push(zip, true);
  } catch (error) {
    if (error instanceof BatchRejectedError) throw error;
    throw new BatchRejectedError("invalid_archive", `not a readable zip file (${(error as Error).message})`);
  }
  if (failure) throw failure;
  if (entries === 0) throw new BatchRejectedError("invalid_archive", "not a zip file, or an empty one");
  return files;
}

/** The batch's accepted records, in order, with duplicates (by content) refused after the first. */
class BatchBuilder {
  private readonly images: Uint8Array[] = [];
  private readonly labels: number[] = [];
  private readonly items: string[] = [];
  private readonly hashes: string[] = [];
  private readonly seen = new Map<string, string>();
  readonly refused: Refusal[] = [];

  add(item: string, pixels: Uint8Array, label: number) {
    const hash = contentHashOfPixels(pixels);
    const first = this.seen.get(hash);
    if (first !== undefined) return this.refuse(item, "duplicate", `the same image as ${first}`);
    this.seen.set(hash, item);
    this.images.push(pixels);
    this.labels.push(label);
    this.items.push(item);
    this.hashes.push(hash);
  }

  refuse(item: string, reason: RefusalReason, detail: string) {
    this.refused.push({ item: item.slice(0, 200), reason, detail });
  }

  build(): LabelledBatch {
    const images = new Uint8Array(this.images.length * IMAGE_PIXELS);
    this.images.forEach((pixels, i) => images.set(pixels, i * IMAGE_PIXELS));
    return { count: this.images.length, images, labels: Uint8Array.from(this.labels), items: this.items, contentHashes: this.hashes, refused: this.refused };
  }
}

/**
 * A zip of images with a `labels.csv` (at its top, or in its one top folder). Each listed
 * image is decoded and preprocessed as a prediction would be; items that fail are refused
 * with a reason, the archive as a whole only when it is unreadable or unsafe.
 */
export async function readLabelledZip(
  zip: Uint8Array,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  onProgress?: (done: number, total: number) => void,
): Promise<LabelledBatch> {
  const files = inflateZip(zip, limits);
  const csvName = [...files.keys()].find((name) => name === "labels.csv" || /^[^/]+\/labels\.csv$/.test(name));
  if (!csvName) throw new BatchRejectedError("invalid_labels", "the zip has no labels.csv (file,label per line) at its top or in its top folder");
  const folder = csvName.slice(0, csvName.length - "labels.csv".length);
  const rows = parseLabelsCsv(files.get(csvName)!, limits);
  const builder = new BatchBuilder();
  const listed = new Set<string>();
  for (const [done, row] of rows.entries()) {
    onProgress?.(done, rows.length);
    const name = folder + row.file;
    listed.add(name);
    if (FORMULA.test(row.file) || FORMULA.test(row.label.trim())) {
      builder.refuse(row.file, "formula", `labels.csv line ${row.line} starts a cell with a formula character`);
      continue;
    }
    const label = parseLabel(row.label);
    if (label === null) {
      builder.refuse(
        row.file,
        "unknown_label",
        `labels.csv line ${row.line}: "${row.label.trim().slice(0, 40)}" is neither 0-9 nor one of ${KMNIST_CLASSES.map((c) => c.char).join("")}`,
      );
      continue;
    }
    const bytes = files.get(name);
    if (!bytes) {
      builder.refuse(row.file, "missing_image", `labels.csv line ${row.line} names a file the zip does not hold`);
      continue;
    }
    try {
      builder.add(row.file, await preprocessImage(bytes, limits.decode), label);
    } catch (error) {
      if (!(error instanceof PreprocessError)) throw error;
      builder.refuse(row.file, error.code === "no_ink" ? "no_ink" : "undecodable", error.message);
    }
  }
  onProgress?.(rows.length, rows.length);
  for (const name of files.keys()) {
    if (name !== csvName && !listed.has(name)) builder.refuse(name.slice(folder.length), "not_labelled", "the zip holds it but labels.csv does not list it");
  }
  return builder.build();
}

/**
 * A pair of idx files (images: n x 28 x 28 bytes; labels: n bytes), like the KMNIST files,
 * gzipped or not. Already 28x28: taken as they are, white ink on black as KMNIST.
 */
export function readIdxPair(
  imagesFile: Uint8Array,
  labelsFile: Uint8Array,
  limits: Pick<BatchLimits, "maxInflatedBytes"> = DEFAULT_BATCH_LIMITS,
): LabelledBatch {
  // Gunzipped here with a bound: a gzip bomb stops at the limit instead of filling memory.
  const gunzipped = (bytes: Uint8Array, name: string) => {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    try {
      return gunzipSync(bytes, { maxOutputLength: limits.maxInflatedBytes });
    } catch (error) {
      const tooLarge =
        (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || /maxOutputLength|Cannot create a Buffer larger/.test((error as Error).message);
      if (tooLarge) throw new BatchRejectedError("too_large", `the ${name} file inflates to more than ${limits.maxInflatedBytes} bytes`);
      throw new BatchRejectedError("invalid_idx", `the ${name} file is not valid gzip (${(error as Error).message})`);
    }
  };
  let images: ReturnType<typeof parseIdx>;
  let labels: ReturnType<typeof parseIdx>;
  try {
    images = parseIdx(gunzipped(imagesFile, "images"), "the images file");
    labels = parseIdx(gunzipped(labelsFile, "labels"), "the labels file");
  } catch (error) {
    if (error instanceof BatchRejectedError) throw error;
    throw new BatchRejectedError("invalid_idx", (error as Error).message);
  }
  const [count, rows, columns] = images.dims;
  if (images.dims.length !== 3 || rows !== 28 || columns !== 28)
    throw new BatchRejectedError("invalid_idx", `the images file holds ${images.dims.join("x")}, not n x 28 x 28`);
  if (labels.dims.length !== 1 || labels.dims[0] !== count)
    throw new BatchRejectedError("invalid_idx", `the labels file holds ${labels.dims.join("x")} labels for ${count} images`);
  const builder = new BatchBuilder();
  for (let i = 0; i < count; i++) {
    const label = labels.data[i];
    const pixels = images.data.slice(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
    if (label >= NUM_CLASSES) builder.refuse(`#${i}`, "unknown_label", `label ${label} is not a class 0-9`);
    else if (!pixels.some((v) => v > 0)) builder.refuse(`#${i}`, "no_ink", "the image is blank");
    else builder.add(`#${i}`, pixels, label);
  }
  return builder.build();
}
