import { NextResponse } from "next/server";
import { requireAdminRequest } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { route } from "@/lib/http";
import { BENCHMARKS_REQUESTED, sendEvent } from "@/lib/jobs";
import { setFollows, setFollowsOperation } from "@/lib/registry";

/** What a version follows (and which tag is primary); the benchmark engine queues what is missing right away. */
export const PUT = route(setFollowsOperation, async ({ body, params, request }) => {
  const user = await requireAdminRequest(request);
  const result = await setFollows(await getDb(), params.id, body, user.name);
  await sendEvent(BENCHMARKS_REQUESTED, { reason: "follows_changed", modelVersionId: params.id });
  return NextResponse.json(result);
});
