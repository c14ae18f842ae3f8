/** A file download: the body with its type and the name a browser saves it under. */
export function download(body: string | Uint8Array, contentType: string, filename: string): Response {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${filename.replace(/["\\\r\n]/g, "_")}"`,
      "content-length": String(bytes.byteLength),
    },
  });
}

/** Today's date for download names (benchmarks-2026-12-02.csv). */
export const dateStamp = () => new Date().toISOString().slice(0, 10);
