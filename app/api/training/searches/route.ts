import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { listSearches, listSearchesOperation } from "@/lib/pipeline";

export const GET = route(listSearchesOperation, async () => NextResponse.json({ searches: await listSearches(await getDb()) }));
