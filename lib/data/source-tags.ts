import { and, eq, inArray, sql } from "drizzle-orm";
import { datasetTags } from "@/db/schema";
import type { Db } from "@/lib/db";
import { KMNIST_SOURCE } from "./importer";
import { TRAINING_TAG } from "./tags";
import type { TagQuery } from "./types";

/** The tags a labelled source gets (imports, feedback): its train and holdout parts (hash split), the holdout followed by every model. */
export const sourceTags = (source: string) => ({ train: `${source}-train`, holdout: `${source}-holdout` });

/** The source's train and holdout tags exist, and the training tag includes the source (its train part). */
export async function ensureSourceTags(db: Db, source: string) {
  const tags = sourceTags(source);
  await db
    .insert(datasetTags)
    .values([
      { name: tags.train, description: `The train part (hash split, 80 %) of the source ${source}`, query: { sources: [source], split: "train" } },
      {
        name: tags.holdout,
        description: `The holdout part (hash split, 20 %) of the source ${source}; every model is benchmarked on it`,
        query: { sources: [source], split: "holdout" },
        followedByAll: true,
      },
    ])
    .onConflictDoNothing();
  // Appends the source to the training tag's query once (jsonb containment keeps it idempotent).
  await db
    .update(datasetTags)
    .set({ query: sql`jsonb_set(${datasetTags.query}, '{sources}', (${datasetTags.query} -> 'sources') || ${JSON.stringify([source])}::jsonb)` })
    .where(and(eq(datasetTags.name, TRAINING_TAG), sql`not (${datasetTags.query} -> 'sources') @> ${JSON.stringify([source])}::jsonb`));
  return tags;
}

/**
 * The holdout tags of the sources a training tag draws on, KMNIST's aside (it has its own,
 * kmnist-holdout): what a promotion decision weighs besides the primary holdout. Archived
 * tags are left out.
 */
export async function sourceHoldoutTags(db: Db, trainingTagName: string): Promise<string[]> {
  const [training] = await db.select({ query: datasetTags.query }).from(datasetTags).where(eq(datasetTags.name, trainingTagName));
  const sources = ((training?.query as TagQuery | undefined)?.sources ?? []).filter((s) => s !== KMNIST_SOURCE);
  if (sources.length === 0) return [];
  const rows = await db
    .select({ name: datasetTags.name })
    .from(datasetTags)
    .where(
      and(
        inArray(
          datasetTags.name,
          sources.map((s) => sourceTags(s).holdout),
        ),
        eq(datasetTags.archived, false),
      ),
    );
  return rows.map((r) => r.name).sort();
}
