import { count, eq, inArray } from "drizzle-orm";
import { benchmarks, models, modelVersions, pipelineRuns } from "@/db/schema";
import type { Db } from "@/lib/db";

/** What used a dataset version: the models trained on it, the pipeline runs that trained on it, its benchmarks. */
export interface VersionLineage {
  trainedModels: Array<{ id: number; label: string }>;
  pipelineRuns: number[];
  benchmarks: number;
}

/** Lineage of each dataset version, for links from a version to what came of it. */
export async function versionLineage(db: Db, versionIds: number[]): Promise<Map<number, VersionLineage>> {
  const lineage = new Map<number, VersionLineage>(versionIds.map((id) => [id, { trainedModels: [], pipelineRuns: [], benchmarks: 0 }]));
  if (versionIds.length === 0) return lineage;
  const [trained, runs, counts] = await Promise.all([
    db
      .select({ id: modelVersions.id, name: models.name, version: modelVersions.version, versionId: modelVersions.trainingDataVersionId })
      .from(modelVersions)
      .innerJoin(models, eq(models.id, modelVersions.modelId))
      .where(inArray(modelVersions.trainingDataVersionId, versionIds))
      .orderBy(modelVersions.id),
    db.select({ id: pipelineRuns.id, versionId: pipelineRuns.trainVersionId }).from(pipelineRuns).where(inArray(pipelineRuns.trainVersionId, versionIds)),
    db
      .select({ versionId: benchmarks.datasetVersionId, n: count() })
      .from(benchmarks)
      .where(inArray(benchmarks.datasetVersionId, versionIds))
      .groupBy(benchmarks.datasetVersionId),
  ]);
  for (const m of trained) lineage.get(m.versionId!)?.trainedModels.push({ id: m.id, label: `${m.name}@${m.version}` });
  for (const r of runs) lineage.get(r.versionId!)?.pipelineRuns.push(r.id);
  for (const c of counts) if (lineage.get(c.versionId)) lineage.get(c.versionId)!.benchmarks = c.n;
  return lineage;
}
