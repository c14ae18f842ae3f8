import { z } from "zod";
import { ApiError, formFile, idParam, isoDate, operation, readMultipartForm } from "@/lib/http";
import { sourceNameSchema } from "./imports";
import { createTagSchema, tagNameSchema, updateTagSchema } from "./tag-edits";

/** The API of labelled-data imports. */

export const importFormSchema = z.object({
  source: z.string().meta({ description: "The source the batch is added to (2-40 of a-z, 0-9, -); created on first use" }),
  file: z.string().optional().meta({ format: "binary", description: "A zip of images with labels.csv (file,label; label 0-9 or the hiragana)" }),
  images: z.string().optional().meta({ format: "binary", description: "Or an idx images file (n x 28 x 28, gzipped or not) ..." }),
  labels: z.string().optional().meta({ format: "binary", description: "... with its idx labels file" }),
});

const refusalSchema = z.object({
  item: z.string(),
  reason: z.enum(["undecodable", "unknown_label", "no_ink", "duplicate", "missing_image", "not_labelled", "formula"]),
  detail: z.string(),
});

export const importReportSchema = z
  .object({
    source: z.string(),
    accepted: z.number().int(),
    splits: z.object({ train: z.number().int(), holdout: z.number().int() }),
    refusedByReason: z.record(z.string(), z.number().int()),
    refused: z.array(refusalSchema).meta({ description: "The first 500 refusals" }),
    preview: z.array(z.object({ item: z.string(), label: z.number().int(), split: z.enum(["train", "holdout"]), png: z.string() })),
    tags: z.object({ train: z.string(), holdout: z.string() }),
    rejected: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: "Set when the batch was refused as a whole" }),
  })
  .meta({ id: "ImportReport" });

export const datasetImportSchema = z
  .object({
    id: z.number().int(),
    source: z.string(),
    format: z.enum(["zip", "idx"]),
    status: z.enum(["pending", "running", "done", "failed"]),
    bytes: z.number().int(),
    progress: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
    report: importReportSchema.nullable(),
    error: z.string().nullable(),
    batchId: z.number().int().nullable(),
    actor: z.string(),
    createdAt: isoDate,
    finishedAt: isoDate.nullable(),
    url: z.string().meta({ description: "Its page" }),
  })
  .meta({ id: "DatasetImport" });

export const createImportOperation = operation({
  id: "createImport",
  method: "POST",
  path: "/api/datasets/imports",
  tag: "Datasets",
  access: "admin",
  summary: "Import a labelled batch of handwriting: a zip with labels.csv, or an idx pair",
  description:
    "The batch is stored and imported by the `import-data` job: every image is preprocessed as a prediction would be (what is stored is the 28x28 the model sees), duplicates of records already in the lab are refused, and the rest becomes one import batch of the source, split 80/20 into train and holdout by a hash of each image. The source's holdout tag is benchmarked by every model; its train part joins the training tag. Poll the returned import for progress and the report.",
  rawBodies: { "multipart/form-data": importFormSchema },
  responses: { 202: { description: "Queued: the import, with its URL", json: datasetImportSchema } },
  errors: {
    400: { description: "Unparseable multipart body", codes: ["invalid_form", "request_aborted"] },
    413: { description: "Larger than IMPORT_MAX_BYTES", codes: ["payload_too_large"] },
    422: { description: "No file, both kinds of file, or a bad source name", codes: ["validation_failed"] },
  },
});

export const listImportsOperation = operation({
  id: "listImports",
  method: "GET",
  path: "/api/datasets/imports",
  tag: "Datasets",
  access: "viewer",
  summary: "The newest 50 imports with their status and reports",
  responses: { 200: { description: "Newest first", json: z.object({ imports: z.array(datasetImportSchema) }) } },
});

export const getImportOperation = operation({
  id: "getImport",
  method: "GET",
  path: "/api/datasets/imports/{id}",
  tag: "Datasets",
  access: "viewer",
  summary: "One import: status, progress while it runs, the report once done",
  params: z.object({ id: idParam }),
  responses: { 200: { description: "The import", json: datasetImportSchema } },
  errors: { 404: { description: "No such import", codes: ["not_found"] } },
});

/** The multipart form of POST /api/datasets/imports, checked: which files, and the source name. */
export async function parseImportRequest(request: Request, maxBytes: number): Promise<{ source: string; format: "zip" | "idx"; files: Uint8Array[] }> {
  const form = await readMultipartForm(request, maxBytes);
  const source = sourceNameSchema.safeParse(form.get("source") ?? "");
  if (!source.success) throw new ApiError(422, "validation_failed", source.error.issues.map((i) => i.message).join("; "));
  const [zip, images, labels] = [formFile(form, "file"), formFile(form, "images"), formFile(form, "labels")];
  if (zip && (images || labels)) throw new ApiError(422, "validation_failed", 'send either "file" (a zip) or "images" and "labels" (idx files), not both');
  const files = zip ? [zip] : images && labels ? [images, labels] : null;
  if (!files) throw new ApiError(422, "validation_failed", 'attach a zip in "file", or idx files in "images" and "labels"');
  const total = files.reduce((a, f) => a + f.size, 0);
  if (total > maxBytes) throw new ApiError(413, "payload_too_large", `the files are ${total} bytes; the limit is ${maxBytes} bytes (IMPORT_MAX_BYTES)`);
  return { source: source.data, format: zip ? "zip" : "idx", files: await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer()))) };
}

export const datasetTagSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    query: z.record(z.string(), z.unknown()),
    followedByAll: z.boolean(),
    archived: z.boolean(),
    createdAt: isoDate,
  })
  .meta({ id: "DatasetTag" });

const tagErrors = {
  404: { description: "No such tag", codes: ["not_found"] },
  409: { description: "The name is taken, or the tag is one of the lab's own", codes: ["tag_exists", "built_in_tag"] },
  422: { description: "Invalid name, query or unknown source", codes: ["validation_failed", "unknown_source"] },
};

export const createTagOperation = operation({
  id: "createTag",
  method: "POST",
  path: "/api/datasets/tags",
  tag: "Datasets",
  access: "admin",
  summary: "Create a dataset tag: a saved query over sources, split, classes and a time window",
  description: "Its first version appears when it is first resolved: when a model follows it (benchmark planning) or its page is opened.",
  body: createTagSchema,
  responses: { 201: { description: "The tag", json: datasetTagSchema } },
  errors: { 409: tagErrors[409], 422: tagErrors[422] },
});

export const updateTagOperation = operation({
  id: "updateTag",
  method: "PATCH",
  path: "/api/datasets/tags/{name}",
  tag: "Datasets",
  access: "admin",
  summary: "Edit a tag's description or query, or archive it (archived tags get no new versions or benchmarks)",
  params: z.object({ name: tagNameSchema }),
  body: updateTagSchema,
  responses: { 200: { description: "The tag as it is now", json: datasetTagSchema } },
  errors: tagErrors,
});
