import { ApiError, readBodyLimited } from "./errors";

/** Room for the multipart framing around the files themselves. */
const FRAMING_BYTES = 64 * 1024;

/**
 * A multipart form read under a byte limit (the files plus their framing): too large is a
 * 413 while reading, an unparseable body a 400 `invalid_form`. For upload routes.
 */
export async function readMultipartForm(request: Request, maxFileBytes: number): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  const body = await readBodyLimited(request, maxFileBytes + FRAMING_BYTES);
  try {
    return await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw new ApiError(400, "invalid_form", "The multipart body could not be parsed");
  }
}

/** A non-empty file field of a form, or null. */
export function formFile(form: FormData, name: string): Blob | null {
  const value = form.get(name);
  return value instanceof Blob && value.size > 0 ? value : null;
}
