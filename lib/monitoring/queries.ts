import { and, desc, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { datasetVersions, driftReports, modelVersions, predictions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { NUM_CLASSES } from "@/lib/kmnist";
import { ModelRefError, resolveModelRef } from "@/lib/registry";

const HOUR = 3_600_000;

/** Everything the monitoring page shows, read in parallel. */
export async function monitoringSummary(db: Db, options: { hours?: number; now?: number } = {}) {
  const hours = options.hours ?? 48;
  const since = new Date((options.now ?? Date.now()) - hours * HOUR);
  const champion = await resolveModelRef(db).catch((error: unknown) => {
    if (error instanceof ModelRefError) return null;
    throw error;
  });
  const [volume, classRows, training, drift, lowConfidence, feedbackDays, [totals]] = await Promise.all([
    db
      .select({
        hour: sql<Date>`date_trunc('hour', ${predictions.ts})`.as("hour"),
        count: sql<number>`count(*)::int`,
        p50: sql<number>`percentile_cont(0.5) within group (order by ${predictions.latencyMs})`,
        p95: sql<number>`percentile_cont(0.95) within group (order by ${predictions.latencyMs})`,
      })
      .from(predictions)
      .where(gte(predictions.ts, since))
      .groupBy(sql`1`)
      .orderBy(sql`1`),
    db
      .select({ predicted: predictions.predicted, n: sql<number>`count(*)::int` })
      .from(predictions)
      .where(and(gte(predictions.ts, since), champion ? eq(predictions.modelVersionId, champion.id) : undefined))
      .groupBy(predictions.predicted),
    champion
      ? db
          .select({ classCounts: datasetVersions.classCounts })
          .from(modelVersions)
          .innerJoin(datasetVersions, eq(datasetVersions.id, modelVersions.trainingDataVersionId))
          .where(eq(modelVersions.id, champion.id))
      : Promise.resolve([]),
    db.select().from(driftReports).orderBy(desc(driftReports.windowEnd)).limit(100),
    db
      .select({
        id: predictions.id,
        ts: predictions.ts,
        input: predictions.input,
        predicted: predictions.predicted,
        confidence: predictions.confidence,
        feedbackLabel: predictions.feedbackLabel,
      })
      .from(predictions)
      .where(lt(predictions.confidence, 0.6))
      .orderBy(desc(predictions.ts))
      .limit(12),
    db
      .select({
        day: sql<Date>`date_trunc('day', ${predictions.feedbackAt})`.as("day"),
        confirmed: sql<number>`count(*) filter (where ${predictions.feedbackKind} = 'confirmed')::int`,
        corrected: sql<number>`count(*) filter (where ${predictions.feedbackKind} = 'corrected')::int`,
      })
      .from(predictions)
      .where(isNotNull(predictions.feedbackAt))
      .groupBy(sql`1`)
      .orderBy(sql`1`),
    db
      .select({
        predictions: sql<number>`count(*) filter (where ${predictions.ts} >= ${since.toISOString()}::timestamptz)::int`,
        feedback: sql<number>`count(*) filter (where ${predictions.feedbackAt} is not null)::int`,
        pendingFeedback: sql<number>`count(*) filter (where ${predictions.feedbackAt} is not null and ${predictions.feedbackLabel} is not null and ${predictions.feedbackBatchId} is null and ${predictions.reviewStatus} <> 'rejected')::int`,
        noneOfThese: sql<number>`count(*) filter (where ${predictions.feedbackKind} = 'none')::int`,
        awaitingReview: sql<number>`count(*) filter (where ${predictions.reviewStatus} = 'pending')::int`,
        rejectedFeedback: sql<number>`count(*) filter (where ${predictions.reviewStatus} = 'rejected')::int`,
      })
      .from(predictions),
  ]);
  const predictedCounts = new Array<number>(NUM_CLASSES).fill(0);
  for (const row of classRows) predictedCounts[row.predicted] = row.n;
  return {
    hours,
    champion,
    totals,
    volume: volume.map((v) => ({ at: new Date(v.hour).getTime(), count: v.count, p50: Number(v.p50), p95: Number(v.p95) })),
    predictedCounts,
    trainingCounts: training[0]?.classCounts ?? null,
    drift: [...drift].reverse(),
    lowConfidence: lowConfidence.map((p) => ({ ...p, input: Array.from(p.input) })),
    feedback: feedbackDays.map((d) => ({
      at: new Date(d.day).getTime(),
      confirmed: d.confirmed,
      corrected: d.corrected,
      accuracy: d.confirmed / Math.max(1, d.confirmed + d.corrected),
    })),
  };
}

export type MonitoringSummary = Awaited<ReturnType<typeof monitoringSummary>>;
