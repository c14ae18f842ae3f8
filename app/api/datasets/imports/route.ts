import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { config } from "@/lib/config";
import { createImport, createImportOperation, importJson, listImports, listImportsOperation, parseImportRequest } from "@/lib/data";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { DATA_IMPORT_REQUESTED, sendEvent } from "@/lib/jobs";
import { objectStore } from "@/lib/storage";

/** A labelled batch: stored, queued for the import-data job, 202 with the import to poll. */
export const POST = route(createImportOperation, async ({ request }) => {
  const user = await requireAdminRequest(request);
  const input = await parseImportRequest(request, config().importMaxBytes);
  const row = await createImport(await getDb(), objectStore(), { ...input, actor: user.name });
  await sendEvent(DATA_IMPORT_REQUESTED, { importId: row.id });
  return NextResponse.json(importJson(row), { status: 202 });
});

export const GET = route(listImportsOperation, async () => NextResponse.json({ imports: (await listImports(await getDb())).map(importJson) }));
