import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { auditLog, datasetTags, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { idParam, operation } from "@/lib/http";
import { createLogger } from "@/lib/log";

const log = createLogger("registry.follows");

export const followsSchema = z
  .object({ tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,99}$/, "each tag must be a tag name")).max(20) })
  .strict()
  .refine((f) => new Set(f.tags).size === f.tags.length, "tags: each tag once");

export const setFollowsOperation = operation({
  id: "setFollows",
  method: "PUT",
  path: "/api/models/versions/{id}/follows",
  tag: "Models",
  access: "admin",
  summary: "The tags a model version is benchmarked on besides its primary one; missing benchmarks are queued",
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

/** Sets the tags a version also follows (its primary `datasetTag` stays), audited. */
export async function setAlsoFollows(db: Db, id: number, tags: string[], actor: string) {
  const [version] = await db.select().from(modelVersions).where(eq(modelVersions.id, id));
  if (!version) throw new FollowsError(404, "not_found", `No model version ${id}`);
  if (tags.includes(version.datasetTag)) throw new FollowsError(422, "unknown_tag", `${version.datasetTag} is its primary tag already`);
  const known = tags.length
    ? await db
        .select({ name: datasetTags.name })
        .from(datasetTags)
        .where(and(inArray(datasetTags.name, tags), eq(datasetTags.archived, false)))
    : [];
  const missing = tags.filter((t) => !known.some((k) => k.name === t));
  if (missing.length) throw new FollowsError(422, "unknown_tag", `unknown or archived tag(s): ${missing.join(", ")}`);
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx.update(modelVersions).set({ alsoFollows: tags }).where(eq(modelVersions.id, id)).returning();
    await tx.insert(auditLog).values({
      actor,
      action: "update",
      entity: "model_versions",
      entityId: String(id),
      before: { alsoFollows: version.alsoFollows },
      after: { alsoFollows: tags },
    });
    return row;
  });
  log.info(`${actor}: model version ${id} also follows ${tags.join(", ") || "nothing"}`);
  return { id: updated.id, primary: updated.datasetTag, alsoFollows: updated.alsoFollows };
}
