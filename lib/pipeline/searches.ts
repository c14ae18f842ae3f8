import { asc, desc, eq, isNotNull, sql } from "drizzle-orm";
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

/** Trials per search and the best validation score among those that finished. */
function trialStats(db: Db) {
  return db
    .select({
      searchId: trainingRuns.searchId,
      trialCount: sql<number>`count(*)::int`.as("trial_count"),
      bestValidationAccuracy: sql<number | null>`max(${trainingRuns.validationAccuracy}) filter (where ${trainingRuns.status} = 'succeeded')`.as(
        "best_validation",
      ),
    })
    .from(trainingRuns)
    .where(isNotNull(trainingRuns.searchId))
    .groupBy(trainingRuns.searchId)
    .as("trial_stats");
}

/** Recent searches, newest first, with how many trials each ran and its best validation accuracy. */
export async function listSearches(db: Db, limit = 20): Promise<HyperparameterSearch[]> {
  await expireStaleRuns(db);
  const stats = trialStats(db);
  const rows = await db
    .select({ search: hyperparameterSearches, trialCount: stats.trialCount, bestValidationAccuracy: stats.bestValidationAccuracy })
    .from(hyperparameterSearches)
    .leftJoin(stats, eq(stats.searchId, hyperparameterSearches.id))
    .orderBy(desc(hyperparameterSearches.id))
    .limit(limit);
  return rows.map(({ search, trialCount, bestValidationAccuracy }) => ({ ...search, trialCount: trialCount ?? 0, bestValidationAccuracy }));
}

/** One search, its trials oldest first, and the decision its pipeline run made on the winner. */
export async function searchDetail(db: Db, id: number): Promise<SearchDetail | null> {
  await expireStaleRuns(db);
  const stats = trialStats(db);
  const [row] = await db
    .select({
      search: hyperparameterSearches,
      trialCount: stats.trialCount,
      bestValidationAccuracy: stats.bestValidationAccuracy,
      decision: pipelineRuns.decision,
      reason: pipelineRuns.reason,
      runStatus: pipelineRuns.status,
    })
    .from(hyperparameterSearches)
    .leftJoin(stats, eq(stats.searchId, hyperparameterSearches.id))
    .leftJoin(pipelineRuns, eq(pipelineRuns.id, hyperparameterSearches.pipelineRunId))
    .where(eq(hyperparameterSearches.id, id));
  if (!row) return null;
  const trials = await db.select().from(trainingRuns).where(eq(trainingRuns.searchId, id)).orderBy(asc(trainingRuns.id));
  const { search, trialCount, bestValidationAccuracy, decision, reason, runStatus } = row;
  const holdoutId = trials.find((t) => t.evalVersionId !== null)?.evalVersionId;
  const [holdout] = holdoutId ? await db.select({ records: datasetVersions.recordCount }).from(datasetVersions).where(eq(datasetVersions.id, holdoutId)) : [];
  return {
    search: { ...search, trialCount: trialCount ?? 0, bestValidationAccuracy },
    trials,
    holdoutRecords: holdout?.records ?? null,
    decision: runStatus === "succeeded" ? { decision, reason } : null,
  };
}
