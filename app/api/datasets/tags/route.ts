import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { createTag, createTagOperation } from "@/lib/data";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";

export const POST = route(createTagOperation, async ({ body, request }) => {
  const user = await requireAdminRequest(request);
  const tag = await createTag(await getDb(), body, user.name);
  if (tag.followedByAll) await sendEvent(BENCHMARKS_REQUESTED, { reason: "tag_created" });
  return NextResponse.json(tag, { status: 201 });
});
