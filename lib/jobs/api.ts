import { z } from "zod";
import { operation } from "@/lib/http";

/** What a request for background work answers once its event is sent. */
export const jobAcceptedSchema = z
  .object({
    accepted: z.literal(true),
    engine: z.enum(["embedded", "inngest"]),
    ids: z.array(z.string()).meta({ description: "Job (embedded) or event (Inngest) ids" }),
  })
  .meta({ id: "JobAccepted" });

const inngestEndpoint = (method: "GET" | "POST" | "PUT", summary: string) =>
  operation({
    id: `inngest${method[0]}${method.slice(1).toLowerCase()}`,
    method,
    path: "/api/inngest",
    tag: "Jobs",
    access: "public",
    summary,
    description:
      "Inngest's serve endpoint, answered only when JOB_ENGINE=inngest; the Inngest server's requests are signed with INNGEST_SIGNING_KEY, which the SDK verifies.",
    rawBodies: method === "GET" ? undefined : { "application/json": "Inngest's own protocol" },
    responses: { 200: { description: "Inngest's own protocol" } },
    errors: { 404: { description: "Inngest is not the job engine here (JOB_ENGINE=embedded)", codes: ["inngest_disabled"] } },
  });

export const inngestOperations = {
  GET: inngestEndpoint("GET", "Inngest: introspection of the functions served here"),
  POST: inngestEndpoint("POST", "Inngest: run a step of a function"),
  PUT: inngestEndpoint("PUT", "Inngest: register the functions served here"),
};
