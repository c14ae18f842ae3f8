import type { PairedContingency } from "@/lib/metrics";

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
  holdoutVersionId: number;
  challenger: { id: number; label: string; accuracy: number };
  champion: { id: number; label: string; accuracy: number };
  /** "first" is the challenger, "second" the champion. */
  contingency: PairedContingency;
  maxP: number;
  margins: { minAbsolute: number; minRelative: number };
}
