import { NextResponse } from "next/server";
import { getDb } from "@/lib/db";
import { ApiError, route } from "@/lib/http";
import { searchDetail, searchDetailOperation } from "@/lib/pipeline";

export const GET = route(searchDetailOperation, async ({ params: { id } }) => {
  const detail = await searchDetail(await getDb(), id);
  if (!detail) throw new ApiError(404, "not_found", `No hyperparameter search ${id}`);
  return NextResponse.json(detail);
});
