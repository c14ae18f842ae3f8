import type { PairedContingency } from "@/lib/metrics";
import type { BracketPlan } from "./halving";
import type { SearchSpace } from "./search-space";

/** One model a pipeline run trained, with its holdout accuracy. */
export interface PipelineCandidate {
  algorithm: string;
  modelVersionId: number;
  model: string;
  holdoutAccuracy: number;
  trainSeconds: number;
}

/**
 * The paired comparison a promotion decision rests on: challenger and champion on the same
 * holdout images (exact McNemar test), the margins, and the p-value the gain had to beat.
 */
export interface PromotionComparison {
  /** The holdout tag the images came from (absent on runs recorded before several holdouts were compared: kmnist-holdout). */
  tag?: string;
  holdoutVersionId: number;
  challenger: { id: number; label: string; accuracy: number };
  champion: { id: number; label: string; accuracy: number };
  /** "first" is the challenger, "second" the champion. */
  contingency: PairedContingency;
  maxP: number;
  margins: { minAbsolute: number; minRelative: number };
}

/** What started a pipeline run: schedule, button, CLI, or one of the data-driven triggers with its numbers. */
export type TriggerKind = "schedule" | "event" | "ui" | "cli" | "bootstrap" | "data" | "drift" | "accuracy";
export const TRIGGER_KINDS: readonly TriggerKind[] = ["schedule", "event", "ui", "cli", "bootstrap", "data", "drift", "accuracy"];

export interface TriggerDetail {
  /** One sentence with the numbers, as shown on the training page. */
  reason: string;
  /** Data trigger: records new in the training tag, and the version they are in. */
  newRecords?: number;
  trainingVersionId?: number;
  /** Drift trigger: the drift report that reached the alert level. */
  driftReportId?: number;
  /** Accuracy trigger: the champion's live accuracy (reviewed feedback) in the window before and in the latest one. */
  liveAccuracy?: { before: number; after: number; window: number };
}

/** How a hyperparameter search ran: the space it searched, successive halving's factor, and each bracket as planned (a resumed search replays them). */
export interface SearchStrategy {
  kind: "successive-halving";
  eta: number;
  maxConfigurations: number;
  /** Share of the training version held out to score trials (never the holdout the promotion gate uses). */
  validationShare: number;
  space: SearchSpace;
  brackets: BracketPlan[];
}
