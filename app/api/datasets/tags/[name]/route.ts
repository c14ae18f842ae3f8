import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { updateTag, updateTagOperation } from "@/lib/data";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";

/** A changed query makes a new version; its followers are benchmarked on it right away. */
export const PATCH = route(updateTagOperation, async ({ body, params, request }) => {
  const user = await requireAdminRequest(request);
  const tag = await updateTag(await getDb(), params.name, body, user.name);
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "tag_changed" });
  return NextResponse.json(tag);
});
