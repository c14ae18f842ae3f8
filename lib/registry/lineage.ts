import { desc, eq, or } from "drizzle-orm";
import { aliasHistory, trainingRuns } from "@/db/schema";
import type { Db } from "@/lib/db";

/** Where a model version came from and what was decided about it: its pipeline run and every alias change naming it. */
export async function modelLineage(db: Db, id: number) {
  const [run] = await db
    .select({ pipelineRunId: trainingRuns.pipelineRunId, runId: trainingRuns.id })
    .from(trainingRuns)
    .where(eq(trainingRuns.modelVersionId, id));
  const decisions = await db
    .select()
    .from(aliasHistory)
    .where(or(eq(aliasHistory.toVersionId, id), eq(aliasHistory.fromVersionId, id)))
    .orderBy(desc(aliasHistory.id))
    .limit(20);
  return { pipelineRunId: run?.pipelineRunId ?? null, trainingRunId: run?.runId ?? null, decisions };
}
