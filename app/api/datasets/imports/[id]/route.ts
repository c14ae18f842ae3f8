import { NextResponse } from "next/server";
import { getImport, getImportOperation, importJson } from "@/lib/data";
import { getDb } from "@/lib/db";
import { ApiError, route } from "@/lib/http";

export const GET = route(getImportOperation, async ({ params }) => {
  const row = await getImport(await getDb(), params.id);
  if (!row) throw new ApiError(404, "not_found", `No import ${params.id}`);
  return NextResponse.json(importJson(row));
});
