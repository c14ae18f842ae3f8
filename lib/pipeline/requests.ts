import { and, eq } from "drizzle-orm";
import { datasetTags, datasetVersions } from "@/db/schema";
import type { Db } from "@/lib/db";
import { sendEvent, TRAIN_REQUESTED } from "@/lib/jobs";
import { pipelineBusy } from "./status";
import { TrainingVersionError } from "./train";

/** What a request for work answers, from the API and the admin page alike. */
export type JobRequestResult = { accepted: true; engine: string; ids: string[] } | { accepted: false; reason: string };

export interface TrainingRequest {
  actor: string;
  algorithms?: string[];
  /** Train on this tag (default TRAINING_TAG) ... */
  trainingTag?: string;
  /** ... or on this earlier version of it. */
  trainingVersionId?: number;
  /** A hyperparameter search of one family within a budget, instead of one model per family. */
  search?: { algorithm: "logreg" | "tree" | "cnn"; budgetMinutes: number };
}

/**
 * A training pipeline run, unless one is already queued or running (one at a time). A named
 * tag or version is checked before anything is queued (TrainingVersionError, 422).
 */
export async function requestTraining(db: Db, request: TrainingRequest): Promise<JobRequestResult> {
  const { actor, algorithms, trainingVersionId, search } = request;
  // A version alone names its tag too.
  const trainingTag =
    request.trainingTag !== undefined || trainingVersionId !== undefined ? await checkTrainingData(db, request.trainingTag, trainingVersionId) : undefined;
  if (await pipelineBusy(db)) return { accepted: false, reason: "A training pipeline is already queued or running." };
  return {
    accepted: true,
    ...(await sendEvent(TRAIN_REQUESTED, {
      trigger: "ui",
      actor,
      ...(algorithms ? { algorithms } : {}),
      ...(trainingTag ? { trainingTag } : {}),
      ...(trainingVersionId ? { trainingVersionId } : {}),
      ...(search ? { search: { algorithm: search.algorithm, budgetSeconds: Math.round(search.budgetMinutes * 60) } } : {}),
    })),
  };
}

async function checkTrainingData(db: Db, tag: string | undefined, versionId: number | undefined): Promise<string> {
  const [found] = await db
    .select({ tag: datasetTags.name, archived: datasetTags.archived })
    .from(datasetTags)
    .leftJoin(datasetVersions, eq(datasetVersions.tagId, datasetTags.id))
    .where(and(tag ? eq(datasetTags.name, tag) : undefined, versionId ? eq(datasetVersions.id, versionId) : undefined))
    .limit(1);
  if (!found) {
    throw new TrainingVersionError(
      versionId ? `dataset version ${versionId} is not a version of ${tag ? `the tag ${tag}` : "the training tag"}` : `there is no dataset tag ${tag}`,
    );
  }
  if (found.archived && !versionId) throw new TrainingVersionError(`the tag ${tag} is archived: it gets no new versions; pick one of its versions`);
  return found.tag;
}
