import { formatPValue } from "@/lib/format";
import type { PairedContingency } from "@/lib/metrics";

export interface PromotionThresholds {
  /** The challenger must beat the champion by at least this much accuracy (0-1). */
  minAbsolute: number;
  /** ... and by at least this fraction of the champion's accuracy. */
  minRelative: number;
  /** ... and the paired McNemar test on the same holdout images must give p below this. */
  maxP: number;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * MLflow-style MetricThreshold on holdout accuracy (higher is better), plus significance:
 * promote when there is no champion, or when the challenger clears both margins and the
 * exact McNemar test on the images both were scored on says the gain is not chance.
 */
export function decidePromotion(
  challenger: { label: string; accuracy: number },
  champion: { label: string; accuracy: number } | null,
  thresholds: PromotionThresholds,
  paired: PairedContingency | null,
): PromotionDecision {
  if (!champion) return { promote: true, reason: `no champion yet; ${challenger.label} is the best candidate at ${pct(challenger.accuracy)}` };
  if (!paired) throw new Error("a promotion against a champion needs the paired test of both models on the same images");
  const gain = challenger.accuracy - champion.accuracy;
  const needed = Math.max(thresholds.minAbsolute, champion.accuracy * thresholds.minRelative);
  const comparison = `${challenger.label} ${pct(challenger.accuracy)} vs champion ${champion.label} ${pct(champion.accuracy)} (gain ${(gain * 100).toFixed(2)} points, needed ${(needed * 100).toFixed(2)})`;
  const test =
    `McNemar p = ${formatPValue(paired.pValue)} ${paired.pValue < thresholds.maxP ? "<" : "≥"} ${thresholds.maxP} on ${paired.n} images ` +
    `(${paired.firstOnly} right only by the challenger, ${paired.secondOnly} only by the champion)`;
  // A tiny epsilon so that a gain exactly equal to the margin counts despite float error.
  const marginMet = gain + 1e-12 >= needed && gain > 0;
  if (marginMet && paired.pValue < thresholds.maxP) return { promote: true, reason: `promoted: ${comparison}; ${test}` };
  if (marginMet) return { promote: false, reason: `champion kept, the gain is not significant: ${comparison}; ${test}` };
  return { promote: false, reason: `champion kept: ${comparison}; ${test}` };
}
