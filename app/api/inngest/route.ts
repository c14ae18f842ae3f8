import { serve } from "inngest/next";
import { functions } from "@/jobs";
import { config } from "@/lib/config";
import { ApiError, route, type RouteInput } from "@/lib/http";
import { inngest, inngestOperations } from "@/lib/jobs";

// The SDK types its handlers for NextRequest; Next hands these routes exactly that.
const served = serve({ client: inngest, functions }) as unknown as Record<"GET" | "POST" | "PUT", (request: Request, context: unknown) => Promise<Response>>;

/** Inngest's endpoint, served only when JOB_ENGINE=inngest. */
const handle =
  (method: "GET" | "POST" | "PUT") =>
  async ({ request, context }: RouteInput<unknown, unknown, unknown>) => {
    if (config().jobs.engine !== "inngest") throw new ApiError(404, "inngest_disabled", "Inngest is not the job engine here (JOB_ENGINE=embedded)");
    return served[method](request, context);
  };

export const GET = route(inngestOperations.GET, handle("GET"));
export const POST = route(inngestOperations.POST, handle("POST"));
export const PUT = route(inngestOperations.PUT, handle("PUT"));
