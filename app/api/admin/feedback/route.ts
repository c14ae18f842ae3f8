import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { reviewQueue, reviewQueueOperation } from "@/lib/monitoring";

/** The feedback review queue, one page at a time. */
export const GET = route(reviewQueueOperation, async ({ query }) => NextResponse.json(await reviewQueue(await getDb(), query)));
