import { eq } from "drizzle-orm";
import { benchmarks, datasetVersions, modelExplanations, modelVersions } from "@/db/schema";
import { getArtifact, type LabelledImages } from "@/lib/ml";
import type { EngineRun } from "./engine";
import { heldBy, releaseFailed, type Explanation } from "./leases";
import { loadShared, threadsPerWorker } from "./pool";

/** Explains a claimed batch of model versions, each on its first benchmark's data (loaded once per dataset version). */
export async function runExplanationBatch(run: EngineRun, claimed: Explanation[]): Promise<void> {
  const loaded = new Map<number, Promise<LabelledImages>>();
  const dataOf = (version: typeof datasetVersions.$inferSelect) => {
    if (!loaded.has(version.id)) loaded.set(version.id, loadShared(run.store, version));
    return loaded.get(version.id)!;
  };
  await Promise.all(
    claimed.map(async (row) => {
      try {
        const [source] = await run.db
          .select({ artifactKey: modelVersions.artifactKey, version: datasetVersions })
          .from(benchmarks)
          .innerJoin(modelVersions, eq(modelVersions.id, benchmarks.modelVersionId))
          .innerJoin(datasetVersions, eq(datasetVersions.id, benchmarks.datasetVersionId))
          .where(eq(benchmarks.id, row.benchmarkId));
        const started = performance.now();
        const [artifact, data] = await Promise.all([getArtifact(run.store, source.artifactKey), dataOf(source.version)]);
        const result = await run.pool().run({ kind: "explain", key: `explanation:${row.id}`, artifact, data, threads: threadsPerWorker(run.options.workers) });
        if (result.kind !== "explain") throw new Error("the worker answered an explanation with another result");
        const [saved] = await run.db
          .update(modelExplanations)
          .set({
            status: "done",
            methods: result.methods,
            seconds: (performance.now() - started) / 1000,
            error: null,
            lockedBy: null,
            heartbeatAt: null,
            finishedAt: new Date(),
          })
          .where(heldBy(modelExplanations, row.id, run.policy.owner))
          .returning({ id: modelExplanations.id });
        if (saved) run.summary.explained++;
      } catch (error) {
        await releaseFailed(run.db, run.policy, modelExplanations, row, error);
      }
    }),
  );
}
