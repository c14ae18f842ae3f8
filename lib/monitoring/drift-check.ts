import { and, desc, eq, gt } from "drizzle-orm";
import { datasetVersions, driftReports, modelVersions, predictions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { IMAGE_PIXELS } from "@/lib/kmnist";
import { createLogger } from "@/lib/log";
import { ModelRefError, resolveModelRef } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { compareProfiles, profileImages, versionProfile } from "./features";
import { driftLevel, type DriftThresholds } from "./thresholds";

const log = createLogger("monitoring.drift");

export interface DriftCheckOptions {
  minWindow: number;
  maxWindow: number;
  thresholds: DriftThresholds;
}

export type DriftCheck = { status: "skipped"; reason: string } | { status: "checked"; report: typeof driftReports.$inferSelect };

/**
 * Compares the champion's newest live inputs (those since its last check, up to
 * `maxWindow`) with its training data: the feature measures of lib/monitoring, and the
 * predicted-class distribution against the training labels. Stores the result; a window
 * that reaches a threshold is logged as a warning.
 */
export async function checkDrift(db: Db, store: ObjectStore, options: DriftCheckOptions): Promise<DriftCheck> {
  let champion;
  try {
    champion = await resolveModelRef(db);
  } catch (error) {
    if (error instanceof ModelRefError) return { status: "skipped", reason: "no model is registered" };
    throw error;
  }
  const [version] = await db
    .select({ reference: datasetVersions })
    .from(modelVersions)
    .innerJoin(datasetVersions, eq(datasetVersions.id, modelVersions.trainingDataVersionId))
    .where(eq(modelVersions.id, champion.id));
  if (!version) return { status: "skipped", reason: `${champion.name}@${champion.version} records no training data version to compare with` };

  const [last] = await db
    .select({ windowEnd: driftReports.windowEnd })
    .from(driftReports)
    .where(eq(driftReports.modelVersionId, champion.id))
    .orderBy(desc(driftReports.windowEnd))
    .limit(1);
  const window = await db
    .select({ ts: predictions.ts, input: predictions.input, predicted: predictions.predicted })
    .from(predictions)
    .where(and(eq(predictions.modelVersionId, champion.id), last ? gt(predictions.ts, last.windowEnd) : undefined))
    .orderBy(desc(predictions.ts))
    .limit(options.maxWindow);
  if (window.length < options.minWindow) {
    return { status: "skipped", reason: `not enough data: waiting for inputs, ${window.length} of ${options.minWindow} since the last check` };
  }
  if (version.reference.recordCount < options.minWindow) {
    return {
      status: "skipped",
      reason: `not enough data: the training data version has ${version.reference.recordCount} records, fewer than ${options.minWindow} (DRIFT_MIN_WINDOW)`,
    };
  }

  const images = new Uint8Array(window.length * IMAGE_PIXELS);
  window.forEach((p, i) => images.set(p.input, i * IMAGE_PIXELS));
  const current = profileImages(
    images,
    window.length,
    Uint8Array.from(window, (p) => p.predicted),
  );
  const result = compareProfiles(await versionProfile(store, version.reference), current);
  const level = driftLevel(result, options.thresholds);
  const [report] = await db
    .insert(driftReports)
    .values({
      windowStart: window[window.length - 1].ts,
      windowEnd: window[0].ts,
      modelVersionId: champion.id,
      referenceVersionId: version.reference.id,
      sampleCount: window.length,
      maxPsi: result.maxPsi,
      pairwiseDistance: result.averagePairwiseDistance,
      level,
      features: result.features,
    })
    .returning();
  if (level === "drift") {
    const over = result.features.filter((f) => f.psi >= options.thresholds.psi).map((f) => `${f.label} (PSI ${f.psi.toFixed(2)})`);
    log.warn(`input drift on ${champion.name}@${champion.version}: ${over.join(", ") || `pairwise distance ${result.averagePairwiseDistance.toFixed(3)}`}`, {
      reportId: report.id,
      maxPsi: result.maxPsi,
      pairwiseDistance: result.averagePairwiseDistance,
      inputs: window.length,
    });
  }
  return { status: "checked", report };
}
