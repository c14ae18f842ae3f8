import { formatPValue } from "@/lib/format";
import type { PairedContingency } from "@/lib/metrics";

export interface PromotionThresholds {
  /** The challenger must beat the champion by at least this much accuracy (0-1). */
  minAbsolute: number;
  /** ... and by at least this fraction of the champion's accuracy. */
  minRelative: number;
  /** ... and the paired McNemar test on the same holdout images must give p below this. */
  maxP: number;
  /**
   * Promotion for a gain on another holdout (a new source's) is allowed only if no holdout of
   * at least `minSamples` images loses more than this much accuracy (default 0.005).
   */
  maxRegression?: number;
  minSamples?: number;
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

/** One holdout's paired result: challenger and champion on the same images of `tag`. */
export interface HoldoutOutcome {
  tag: string;
  challenger: { label: string; accuracy: number };
  champion: { label: string; accuracy: number };
  paired: PairedContingency;
}

const points = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} points`;
const summary = (o: HoldoutOutcome) =>
  `${o.tag}: ${pct(o.challenger.accuracy)} vs ${pct(o.champion.accuracy)} (${points(o.challenger.accuracy - o.champion.accuracy)}, ` +
  `McNemar p = ${formatPValue(o.paired.pValue)} on ${o.paired.n} images)`;

/**
 * The decision over every holdout the lab has: the primary one (kmnist-holdout) decides as in
 * `decidePromotion`; a challenger that is not better there may still win on another source's
 * holdout (new handwriting the champion never saw) when it clears the margins and the test
 * there, and loses at most `maxRegression` accuracy on any holdout and is significantly worse
 * on none. Each holdout is judged on its own images; none is pooled with another.
 */
export function decidePromotionAcross(primary: HoldoutOutcome, others: HoldoutOutcome[], thresholds: PromotionThresholds): PromotionDecision {
  const base = decidePromotion(primary.challenger, primary.champion, thresholds, primary.paired);
  if (others.length === 0) return base;
  const maxRegression = thresholds.maxRegression ?? 0.005;
  const minSamples = thresholds.minSamples ?? 200;
  const significant = (o: HoldoutOutcome) => o.paired.pValue < thresholds.maxP;
  const drop = (o: HoldoutOutcome) => o.champion.accuracy - o.challenger.accuracy;
  const worse = [primary, ...others].filter(
    (o) => (drop(o) > 0 && significant(o) && o.paired.secondOnly > o.paired.firstOnly) || (o.paired.n >= minSamples && drop(o) > maxRegression + 1e-12),
  );
  const wins = others.filter((o) => {
    if (o.paired.n < minSamples) return false;
    const needed = Math.max(thresholds.minAbsolute, o.champion.accuracy * thresholds.minRelative);
    const gain = -drop(o);
    return gain > 0 && gain + 1e-12 >= needed && significant(o);
  });
  const rest = others.map(summary).join("; ");
  const limits = `(no holdout of ${minSamples}+ images may drop more than ${(maxRegression * 100).toFixed(2)} points or be significantly worse)`;
  if (worse.length > 0 && base.promote) {
    return {
      promote: false,
      reason: `champion kept, better on ${primary.tag} but worse on ${worse.map(summary).join("; ")} ${limits}; ${base.reason.replace(/^promoted: /, "")}`,
    };
  }
  if (worse.length > 0) {
    const blocked = wins.length > 0 ? `; not promoted for ${wins.map((o) => o.tag).join(", ")}: worse on ${worse.map(summary).join("; ")} ${limits}` : "";
    return { promote: false, reason: `${base.reason}; other holdouts: ${rest}${blocked}` };
  }
  if (base.promote) return { promote: true, reason: `${base.reason}; other holdouts: ${rest}` };
  if (wins.length > 0) {
    return { promote: true, reason: `promoted for ${wins.map(summary).join("; ")}; ${summary(primary)} ${limits}` };
  }
  return { promote: false, reason: `${base.reason}; other holdouts: ${rest}` };
}
