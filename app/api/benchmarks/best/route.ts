import { NextResponse } from "next/server";
import { bestModels, bestModelsOperation } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";

export const GET = route(bestModelsOperation, async () => NextResponse.json(await bestModels(await getDb())));
