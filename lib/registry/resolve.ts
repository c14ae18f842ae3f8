import { and, desc, eq, notInArray, sql } from "drizzle-orm";
import { modelAliases, models, modelVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { onPrimaryTag } from "./primary-benchmark";

export interface ResolvedModel {
  id: number;
  name: string;
  version: number;
  algorithm: string;
  /** The primary evaluation tag (the manifest's datasetTag): where its headline figures come from. */
  datasetTag: string;
  artifactKey: string;
  /**
   * Answers whose top probability is below this are unsure (perhaps not one of the ten
   * characters): the 1st percentile on the headline benchmark, null before one has it.
   */
  confidenceFloor: number | null;
}

export class ModelRefError extends Error {
  constructor(
    public readonly kind: "invalid" | "not_found",
    message: string,
  ) {
    super(message);
    this.name = "ModelRefError";
  }
}

export const DEFAULT_MODEL_REF = "champion";
const REF_PATTERN = /^(?<name>[a-z0-9][a-z0-9._-]{0,62})(?:@(?<version>[1-9][0-9]{0,8}|latest))?$/;

const columns = {
  id: modelVersions.id,
  name: models.name,
  version: modelVersions.version,
  algorithm: modelVersions.algorithm,
  datasetTag: modelVersions.datasetTag,
  artifactKey: modelVersions.artifactKey,
  confidenceFloor: sql<number | null>`(select (b.metrics -> 'confidence' ->> 'p01')::float8 ${onPrimaryTag})`.mapWith((v: unknown) =>
    v === null ? null : Number(v),
  ),
};

/**
 * Resolves an alias (`champion`, ...), `name`, `name@latest` or `name@3` to one version.
 *
 * Before anything has been promoted, `champion` falls back to the non-archived version
 * with the best holdout accuracy recorded at training (newest wins ties).
 */
export async function resolveModelRef(db: Db, ref: string = DEFAULT_MODEL_REF): Promise<ResolvedModel> {
  if (!ref.includes("@")) {
    const [aliased] = await db
      .select(columns)
      .from(modelAliases)
      .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.modelVersionId))
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(eq(modelAliases.alias, ref));
    if (aliased) return aliased;
  }
  if (ref === DEFAULT_MODEL_REF) {
    const best = await bestUnaliasedChampion(db);
    if (!best) throw new ModelRefError("not_found", "No model is registered yet, so there is no champion to answer");
    return best;
  }
  const match = REF_PATTERN.exec(ref);
  if (!match?.groups) {
    throw new ModelRefError("invalid", `"${ref.slice(0, 80)}" is not a model reference; use champion, <name>, <name>@latest or <name>@<version>`);
  }
  const { name, version } = match.groups;
  const byVersion = version && version !== "latest" ? eq(modelVersions.version, Number(version)) : undefined;
  const [row] = await db
    .select(columns)
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.name, name), byVersion))
    .orderBy(desc(modelVersions.version))
    .limit(1);
  if (!row) throw new ModelRefError("not_found", `No model version ${ref}`);
  return row;
}

/**
 * Who serves as champion while the `champion` alias is unset: the non-archived version with
 * the best holdout accuracy recorded at training (newest wins ties), ignoring `exclude`.
 */
export async function bestUnaliasedChampion(db: Db, exclude: number[] = []): Promise<ResolvedModel | null> {
  const holdoutAccuracy = sql`(${modelVersions.manifest} -> 'evaluation' ->> 'holdoutAccuracy')::float8`;
  const [best] = await db
    .select(columns)
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(modelVersions.archived, false), exclude.length ? notInArray(modelVersions.id, exclude) : undefined))
    .orderBy(sql`${holdoutAccuracy} desc nulls last`, desc(modelVersions.createdAt), desc(modelVersions.id))
    .limit(1);
  return best ?? null;
}
