import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { datasetSources, datasetTags } from "@/db/schema";
import type { Db } from "@/lib/db";
import { plainText } from "@/lib/http";
import { NUM_CLASSES } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { DEFAULT_TAGS, TRAINING_TAG } from "./tags";
import type { TagQuery } from "./types";

const log = createLogger("data.tags");

export const tagNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "name: 2-63 lower-case letters, digits or dashes, starting with a letter or digit");

const isoDay = z.iso.datetime({ offset: true }).or(z.iso.date());

/** A saved query over records, as people write it. Sources must exist; classes are 0-9. */
export const tagQuerySchema = z
  .object({
    sources: z.array(z.string().min(1).max(40)).min(1).max(50),
    split: z.enum(["train", "holdout"]).optional(),
    classes: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(NUM_CLASSES - 1),
      )
      .min(1)
      .max(NUM_CLASSES)
      .refine((c) => new Set(c).size === c.length, "classes: each class once")
      .optional(),
    from: isoDay.optional().describe("records created at or after"),
    to: isoDay.optional().describe("records created at or before"),
  })
  .strict()
  .refine((q) => !q.from || !q.to || new Date(q.from) <= new Date(q.to), "from must not be after to");

export const createTagSchema = z
  .object({ name: tagNameSchema, description: plainText(500).optional(), query: tagQuerySchema, followedByAll: z.boolean().optional() })
  .strict();

export const updateTagSchema = z
  .object({ description: plainText(500).optional(), query: tagQuerySchema.optional(), archived: z.boolean().optional(), followedByAll: z.boolean().optional() })
  .strict()
  .refine((u) => Object.keys(u).length > 0, "nothing to change");

/** A tag change that cannot be made: `code` names why (answered 404 / 409 / 422). */
export class TagEditError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly code: "not_found" | "tag_exists" | "built_in_tag" | "unknown_source",
    message: string,
  ) {
    super(message);
    this.name = "TagEditError";
  }
}

/** The seeded tags whose meaning the lab relies on (the KMNIST protocol, the feedback set); `training` is the user's to edit. */
const BUILT_IN = new Set(DEFAULT_TAGS.map((t) => t.name).filter((name) => name !== TRAINING_TAG));

/** The lab's own tags (KMNIST splits, feedback) that people cannot edit; `training` is theirs to shape. */
export const isBuiltInTag = (name: string) => BUILT_IN.has(name);

/** Every source a tag can draw on, by name. */
export async function sourceNames(db: Db): Promise<string[]> {
  const rows = await db.select({ name: datasetSources.name }).from(datasetSources).orderBy(datasetSources.name);
  return rows.map((r) => r.name);
}

async function assertSources(db: Db, query: TagQuery) {
  const known = await db.select({ name: datasetSources.name }).from(datasetSources).where(inArray(datasetSources.name, query.sources));
  const missing = query.sources.filter((s) => !known.some((k) => k.name === s));
  if (missing.length) throw new TagEditError(422, "unknown_source", `unknown source(s): ${missing.join(", ")}; import data into a source first`);
}

/** A new tag; its first version appears when it is first resolved (by a follower's benchmark planning, or its page). */
export async function createTag(db: Db, input: z.infer<typeof createTagSchema>, actor: string) {
  await assertSources(db, input.query);
  const [row] = await db
    .insert(datasetTags)
    .values({ name: input.name, description: input.description ?? "", query: input.query, followedByAll: input.followedByAll ?? false })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new TagEditError(409, "tag_exists", `a tag named ${input.name} exists already`);
  log.info(`tag ${input.name} created by ${actor}`, { query: input.query });
  return row;
}

/** Edits a tag's description, query or archived flag; a changed query makes a new version at the next resolution. */
export async function updateTag(db: Db, name: string, changes: z.infer<typeof updateTagSchema>, actor: string) {
  const [tag] = await db.select().from(datasetTags).where(eq(datasetTags.name, name));
  if (!tag) throw new TagEditError(404, "not_found", `No dataset tag named ${name}`);
  if (BUILT_IN.has(name))
    throw new TagEditError(
      409,
      "built_in_tag",
      `${name} is one of the lab's own tags (the KMNIST protocol, the feedback set); create a tag of your own instead`,
    );
  if (changes.query) await assertSources(db, changes.query);
  const [row] = await db.update(datasetTags).set(changes).where(eq(datasetTags.id, tag.id)).returning();
  log.info(`tag ${name} changed by ${actor}`, { changes });
  return row;
}
