import { NextResponse } from "next/server";
import { route } from "@/lib/http";
import { openApiDocument, openApiOperation } from "@/lib/openapi";

export const GET = route(openApiOperation, async () => NextResponse.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }));
