export interface PromotionThresholds {
  /** The challenger must beat the champion by at least this much accuracy (0-1). */
  minAbsolute: number;
  /** ... and by at least this fraction of the champion's accuracy. */
  minRelative: number;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * MLflow-style MetricThreshold on holdout accuracy (higher is better): promote when there is
 * no champion, or when the challenger clears both the absolute and the relative margin.
 */
export function decidePromotion(
  challenger: { label: string; accuracy: number },
  champion: { label: string; accuracy: number } | null,
  thresholds: PromotionThresholds,
): PromotionDecision {
  if (!champion) return { promote: true, reason: `no champion yet; ${challenger.label} is the best candidate at ${pct(challenger.accuracy)}` };
  const gain = challenger.accuracy - champion.accuracy;
  const needed = Math.max(thresholds.minAbsolute, champion.accuracy * thresholds.minRelative);
  const comparison = `${challenger.label} ${pct(challenger.accuracy)} vs champion ${champion.label} ${pct(champion.accuracy)} (gain ${(gain * 100).toFixed(2)} points, needed ${(needed * 100).toFixed(2)})`;
  // A tiny epsilon so that a gain exactly equal to the margin counts despite float error.
  if (gain + 1e-12 >= needed && gain > 0) return { promote: true, reason: `promoted: ${comparison}` };
  return { promote: false, reason: `champion kept: ${comparison}` };
}
