import { asc, desc, eq, sql } from "drizzle-orm";
import { datasetVersions, hyperparameterSearches, pipelineRuns, trainingRuns } from "@/db/schema";
import type { Db } from "@/lib/db";
import { expireStaleRuns } from "./status";

export type HyperparameterSearch = typeof hyperparameterSearches.$inferSelect & { trialCount: number; bestValidationAccuracy: number | null };
export type SearchTrial = typeof trainingRuns.$inferSelect;

export interface SearchDetail {
  search: HyperparameterSearch;
  trials: SearchTrial[];
  /** Images in the holdout version the trials were also scored on (for their intervals). */
  holdoutRecords: number | null;
  /** The promotion gate's verdict on the best trial, once its pipeline run decided. */
  decision: { decision: "promoted" | "kept" | null; reason: string | null } | null;
}

const trialStats = {
  trialCount: sql<number>`(select count(*)::int from ${trainingRuns} where ${trainingRuns.searchId} = ${hyperparameterSearches.id})`,
  bestValidationAccuracy: sql<
    number | null
  >`(select max(${trainingRuns.validationAccuracy}) from ${trainingRuns} where ${trainingRuns.searchId} = ${hyperparameterSearches.id} and ${trainingRuns.status} = 'succeeded')`,
};

/** Recent searches, newest first, with how many trials each ran and its best validation accuracy. */
export async function listSearches(db: Db, limit = 20): Promise<HyperparameterSearch[]> {
  await expireStaleRuns(db);
  const rows = await db
    .select({ search: hyperparameterSearches, ...trialStats })
    .from(hyperparameterSearches)
    .orderBy(desc(hyperparameterSearches.id))
    .limit(limit);
  return rows.map(({ search, ...stats }) => ({ ...search, ...stats }));
}

/** One search, its trials oldest first, and the decision its pipeline run made on the winner. */
export async function searchDetail(db: Db, id: number): Promise<SearchDetail | null> {
  await expireStaleRuns(db);
  const [row] = await db
    .select({ search: hyperparameterSearches, ...trialStats, decision: pipelineRuns.decision, reason: pipelineRuns.reason, runStatus: pipelineRuns.status })
    .from(hyperparameterSearches)
    .leftJoin(pipelineRuns, eq(pipelineRuns.id, hyperparameterSearches.pipelineRunId))
    .where(eq(hyperparameterSearches.id, id));
  if (!row) return null;
  const trials = await db.select().from(trainingRuns).where(eq(trainingRuns.searchId, id)).orderBy(asc(trainingRuns.id));
  const { search, trialCount, bestValidationAccuracy, decision, reason, runStatus } = row;
  const holdoutId = trials.find((t) => t.evalVersionId !== null)?.evalVersionId;
  const [holdout] = holdoutId ? await db.select({ records: datasetVersions.recordCount }).from(datasetVersions).where(eq(datasetVersions.id, holdoutId)) : [];
  return {
    search: { ...search, trialCount, bestValidationAccuracy },
    trials,
    holdoutRecords: holdout?.records ?? null,
    decision: runStatus === "succeeded" ? { decision, reason } : null,
  };
}
