import { sql } from "drizzle-orm";

// Correlated subqueries name the outer table explicitly: drizzle does not qualify columns in `sql`.
/**
 * The headline benchmark of a model version, as the tail of a correlated subquery over
 * `model_versions`: the newest finished one on the version's primary tag (its manifest's
 * datasetTag). Other tags (feedback, ...) never make the headline, however few their images.
 */
export const onPrimaryTag = sql.raw(`from benchmarks b
  join dataset_versions dv on dv.id = b.dataset_version_id
  join dataset_tags t on t.id = dv.tag_id
  where b.model_version_id = "model_versions"."id" and b.status = 'done' and t.name = "model_versions"."dataset_tag"
  order by dv.created_at desc, dv.id desc limit 1`);
