import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { datasetTags, datasetVersions, modelVersions, pipelineRuns, predictions } from "@/db/schema";
import { config } from "@/lib/config";
import { EmptyTagError, resolveTag } from "@/lib/data";
import type { Db } from "@/lib/db";
import { ModelRefError, resolveModelRef } from "@/lib/registry";
import type { ObjectStore } from "@/lib/storage";
import { trainingTag } from "./train";
import type { TriggerDetail } from "./types";

/** A data-driven trigger's verdict: whether a run is due, and the detail the run records. */
export interface DataTrigger {
  due: boolean;
  detail: TriggerDetail;
}

/**
 * The data trigger: resolves the training tag and compares its newest version with the newest
 * one already trained on (by the serving model or by any pipeline run that did not fail). At
 * least RETRAIN_MIN_NEW_RECORDS more records make a run due.
 */
export async function trainingDataTrigger(db: Db, store: ObjectStore): Promise<DataTrigger> {
  const minimum = config().training.retrainMinNewRecords;
  const tag = trainingTag();
  let version;
  try {
    ({ version } = await resolveTag(db, store, tag));
  } catch (error) {
    if (error instanceof EmptyTagError) return { due: false, detail: { reason: `${tag} has no records` } };
    throw error;
  }
  const reference = await newestTrainedVersion(db, tag);
  if (reference?.id === version.id) {
    return { due: false, detail: { reason: `${tag} version ${version.id} was already trained on`, newRecords: 0, trainingVersionId: version.id } };
  }
  const newRecords = version.recordCount - (reference?.recordCount ?? 0);
  const due = newRecords >= minimum;
  return {
    due,
    detail: {
      reason: `${newRecords} new training records in ${tag} (version ${version.id}; ${due ? "at least" : "fewer than"} RETRAIN_MIN_NEW_RECORDS = ${minimum})`,
      newRecords,
      trainingVersionId: version.id,
    },
  };
}

/** The newest version of `tag` that the serving model or a pipeline run (not failed) trained on. */
async function newestTrainedVersion(db: Db, tag: string) {
  const candidates: Array<typeof datasetVersions.$inferSelect> = [];
  try {
    const champion = await resolveModelRef(db);
    const [row] = await db
      .select({ version: datasetVersions })
      .from(modelVersions)
      .innerJoin(datasetVersions, eq(datasetVersions.id, modelVersions.trainingDataVersionId))
      .where(eq(modelVersions.id, champion.id));
    if (row) candidates.push(row.version);
  } catch (error) {
    if (!(error instanceof ModelRefError)) throw error;
  }
  const [last] = await db
    .select({ version: datasetVersions })
    .from(pipelineRuns)
    .innerJoin(datasetVersions, eq(datasetVersions.id, pipelineRuns.trainVersionId))
    .innerJoin(datasetTags, eq(datasetTags.id, datasetVersions.tagId))
    .where(and(isNotNull(pipelineRuns.trainVersionId), eq(datasetTags.name, tag), inArray(pipelineRuns.status, ["running", "succeeded", "interrupted"])))
    .orderBy(desc(datasetVersions.id))
    .limit(1);
  if (last) candidates.push(last.version);
  return candidates.sort((a, b) => b.id - a.id)[0] ?? null;
}

/**
 * The live-accuracy trigger: the champion's accuracy on reviewed (approved) feedback in its
 * latest RETRAIN_ACCURACY_WINDOW answers against the window before. A drop of at least
 * RETRAIN_ACCURACY_DROP makes a run due, once: the latest window must lie wholly after the
 * last pipeline run started, so the same answers never trigger twice.
 */
export async function liveAccuracyTrigger(db: Db): Promise<DataTrigger> {
  const { retrainAccuracyDrop: drop, retrainAccuracyWindow: window } = config().training;
  let champion;
  try {
    champion = await resolveModelRef(db);
  } catch (error) {
    if (error instanceof ModelRefError) return { due: false, detail: { reason: "no model serves yet" } };
    throw error;
  }
  const answers = await db
    .select({ predicted: predictions.predicted, label: predictions.feedbackLabel, at: predictions.feedbackAt })
    .from(predictions)
    .where(and(eq(predictions.modelVersionId, champion.id), eq(predictions.reviewStatus, "approved"), isNotNull(predictions.feedbackLabel)))
    .orderBy(desc(predictions.feedbackAt))
    .limit(2 * window);
  const label = `${champion.name}@${champion.version}`;
  if (answers.length < 2 * window) {
    return {
      due: false,
      detail: { reason: `not enough reviewed feedback for ${label}: ${answers.length} of ${2 * window} (two windows of RETRAIN_ACCURACY_WINDOW)` },
    };
  }
  const accuracy = (rows: typeof answers) => rows.filter((r) => r.predicted === r.label).length / rows.length;
  const after = accuracy(answers.slice(0, window));
  const before = accuracy(answers.slice(window));
  const [lastRun] = await db.select({ at: pipelineRuns.startedAt }).from(pipelineRuns).orderBy(desc(pipelineRuns.startedAt)).limit(1);
  const fresh = !lastRun || answers[window - 1].at! > lastRun.at;
  const fell = before - after;
  const due = fresh && fell >= drop - 1e-12;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    due,
    detail: {
      reason:
        `live accuracy of ${label} on reviewed feedback ${pct(before)} → ${pct(after)} over two windows of ${window} ` +
        `(${fell > 0 ? "down" : "up"} ${(Math.abs(fell) * 100).toFixed(1)} points; RETRAIN_ACCURACY_DROP = ${(drop * 100).toFixed(1)})` +
        (fresh ? "" : "; already answered by a later pipeline run"),
      liveAccuracy: { before, after, window },
    },
  };
}
