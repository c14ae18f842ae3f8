import { NextResponse } from "next/server";
import { bestModels } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http/route";

/** The leaderboard: best model per dataset tag and algorithm, and per tag, on each tag's newest benchmarked version. */
export const GET = route({}, async () => NextResponse.json(await bestModels(await getDb())));
