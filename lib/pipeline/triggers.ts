import { desc, eq, isNotNull } from "drizzle-orm";
import { datasetVersions, modelVersions, pipelineRuns } from "@/db/schema";
import { config } from "@/lib/config";
import { EmptyTagError, resolveTag } from "@/lib/data";
import type { Db } from "@/lib/db";
import { ModelRefError, resolveModelRef } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { trainingTag } from "./train";

export interface DataTrigger {
  due: boolean;
  /** Records in the training tag's newest version beyond the version the champion (or the last run) trained on. */
  newRecords: number;
  versionId: number | null;
  reason: string;
}

/**
 * The data trigger: resolves the training tag and compares its newest version with the one
 * the serving model was trained on (else the last pipeline run's). At least
 * RETRAIN_MIN_NEW_RECORDS more records make a run due.
 */
export async function trainingDataTrigger(db: Db, store: ObjectStore): Promise<DataTrigger> {
  const minimum = config().training.retrainMinNewRecords;
  let version;
  try {
    ({ version } = await resolveTag(db, store, trainingTag()));
  } catch (error) {
    if (error instanceof EmptyTagError) return { due: false, newRecords: 0, versionId: null, reason: `${trainingTag()} has no records` };
    throw error;
  }
  const reference = await trainedOn(db);
  if (reference?.id === version.id) return { due: false, newRecords: 0, versionId: version.id, reason: "the champion was trained on this version" };
  const newRecords = version.recordCount - (reference?.recordCount ?? 0);
  const due = newRecords >= minimum;
  return {
    due,
    newRecords,
    versionId: version.id,
    reason: `${newRecords} new training records in ${trainingTag()} (${due ? "at least" : "fewer than"} RETRAIN_MIN_NEW_RECORDS = ${minimum})`,
  };
}

async function trainedOn(db: Db) {
  try {
    const champion = await resolveModelRef(db);
    const [row] = await db
      .select({ version: datasetVersions })
      .from(modelVersions)
      .innerJoin(datasetVersions, eq(datasetVersions.id, modelVersions.trainingDataVersionId))
      .where(eq(modelVersions.id, champion.id));
    if (row) return row.version;
  } catch (error) {
    if (!(error instanceof ModelRefError)) throw error;
  }
  const [last] = await db
    .select({ version: datasetVersions })
    .from(pipelineRuns)
    .innerJoin(datasetVersions, eq(datasetVersions.id, pipelineRuns.trainVersionId))
    .where(isNotNull(pipelineRuns.trainVersionId))
    .orderBy(desc(pipelineRuns.id))
    .limit(1);
  return last?.version ?? null;
}
