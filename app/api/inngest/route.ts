import { serve } from "inngest/next";
import { NextResponse } from "next/server";
import { functions } from "@/jobs/functions";
import { inngest } from "@/jobs/client";
import { config } from "@/lib/config";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = serve({ client: inngest, functions });

type Handler = (request: Request, context: unknown) => Promise<Response>;

/** Inngest's endpoint, served only when JOB_ENGINE=inngest. */
function whenEnabled(method: Handler): Handler {
  return (request, context) =>
    config().jobs.engine === "inngest"
      ? method(request, context)
      : Promise.resolve(
          NextResponse.json({ error: { code: "inngest_disabled", message: "Inngest is not the job engine here (JOB_ENGINE=embedded)" } }, { status: 404 }),
        );
}

export const GET = whenEnabled(handler.GET as Handler);
export const POST = whenEnabled(handler.POST as Handler);
export const PUT = whenEnabled(handler.PUT as Handler);
