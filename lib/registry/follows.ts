import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { auditLog, datasetTags, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { idParam, operation } from "@/lib/http";
import { createLogger } from "@/lib/log";

const log = createLogger("registry.follows");

const tagName = z.string().regex(/^[a-z0-9][a-z0-9-]{1,99}$/, "each tag must be a tag name");

export const followsSchema = z
  .object({
    tags: z.array(tagName).max(20),
    primary: tagName.optional().meta({ description: "Make this tag the primary one (its headline figures); default: keep the primary tag" }),
  })
  .strict()
  .refine((f) => new Set(f.tags).size === f.tags.length, "tags: each tag once");

export const setFollowsOperation = operation({
  id: "setFollows",
  method: "PUT",
  path: "/api/models/versions/{id}/follows",
  tag: "Models",
  access: "admin",
  summary: "The tags a model version is benchmarked on: its primary one (headline figures) and others; missing benchmarks are queued",
  params: z.object({ id: idParam }),
  body: followsSchema,
  responses: { 200: { description: "What it follows now", json: z.object({ id: z.number().int(), primary: z.string(), alsoFollows: z.array(z.string()) }) } },
  errors: {
    404: { description: "No such model version", codes: ["not_found"] },
    422: { description: "Unknown or archived tags, or its primary tag listed again", codes: ["validation_failed", "unknown_tag"] },
  },
});

export class FollowsError extends Error {
  constructor(
    readonly status: 404 | 422,
    readonly code: "not_found" | "unknown_tag",
    message: string,
  ) {
    super(message);
    this.name = "FollowsError";
  }
}

/** Sets the tags a version follows besides its primary one, and optionally which is primary; audited. */
export async function setFollows(db: Db, id: number, follows: { tags: string[]; primary?: string }, actor: string) {
  const { tags } = follows;
  const [version] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  if (!version) throw new FollowsError(404, "not_found", `No model version ${id}`);
  const primary = follows.primary ?? version.datasetTag;
  if (tags.includes(primary)) throw new FollowsError(422, "unknown_tag", `${primary} is its primary tag: list it once, as primary`);
  const checked = primary === version.datasetTag ? tags : [...tags, primary];
  const known = checked.length
    ? await db
        .select({ name: datasetTags.name })
        .from(datasetTags)
        .where(and(inArray(datasetTags.name, checked), eq(datasetTags.archived, false)))
    : [];
  const missing = checked.filter((t) => !known.some((k) => k.name === t));
  if (missing.length) throw new FollowsError(422, "unknown_tag", `unknown or archived tag(s): ${missing.join(", ")}`);
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx.update(modelVersions).set({ alsoFollows: tags, datasetTag: primary }).where(eq(modelVersions.id, id)).returning();
    await tx.insert(auditLog).values({
      actor,
      action: "update",
      entity: "model_versions",
      entityId: String(id),
      before: { datasetTag: version.datasetTag, alsoFollows: version.alsoFollows },
      after: { datasetTag: primary, alsoFollows: tags },
    });
    return row;
  });
  log.info(`${actor}: model version ${id} follows ${primary} (primary)${tags.length ? ` and ${tags.join(", ")}` : ""}`);
  return { id: updated.id, primary: updated.datasetTag, alsoFollows: updated.alsoFollows };
}
