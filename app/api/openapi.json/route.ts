import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/serving/openapi";

export function GET() {
  return NextResponse.json(openApiDocument, { headers: { "cache-control": "public, max-age=300" } });
}
