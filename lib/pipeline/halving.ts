/**
 * The arithmetic of successive halving inside a time budget, kept free of I/O so it can be
 * tested on its own: how many configurations a bracket can afford, and which go on.
 */

/** One bracket of the search: `configurations` random configurations, halved by `eta` from rung to rung over `rungs` (indexes into the space's rungs). */
export interface BracketPlan {
  configurations: number;
  rungs: number[];
}

/** Configurations trained at each rung of a bracket: n, n/eta, n/eta², ... (at least one). */
export function rungSizes(configurations: number, rungCount: number, eta: number): number[] {
  const sizes: number[] = [];
  for (let r = 0, n = configurations; r < rungCount; r++, n = Math.max(1, Math.floor(n / eta))) sizes.push(n);
  return sizes;
}

/** The resource (epochs, or data share) a bracket spends in all. */
export function bracketCost(plan: BracketPlan, resources: readonly number[], eta: number): number {
  const sizes = rungSizes(plan.configurations, plan.rungs.length, eta);
  return plan.rungs.reduce((sum, rung, i) => sum + sizes[i] * resources[rung], 0);
}

/**
 * The next bracket that fits in `remainingSeconds` at `secondsPerUnit` (seconds a trial takes
 * per unit of resource, measured on the trials so far):
 * 1. successive halving over every rung, with as many configurations as fit (at least eta, so that something is halved; at most `maxConfigurations`);
 * 2. else random search at the full resource, as many configurations as fit;
 * 3. else, for the first bracket only, random search at the smallest resource (a later one could
 *    not compete with the winner of the first, which reached a larger resource);
 * else nothing (null): the budget is spent.
 */
export function planBracket(
  resources: readonly number[],
  eta: number,
  secondsPerUnit: number,
  remainingSeconds: number,
  maxConfigurations: number,
  first = true,
): BracketPlan | null {
  const units = remainingSeconds / Math.max(secondsPerUnit, 1e-9);
  const all = resources.map((_, i) => i);
  if (resources.length > 1) {
    let best: BracketPlan | null = null;
    for (let n = eta; n <= maxConfigurations; n++) {
      const plan = { configurations: n, rungs: all };
      if (bracketCost(plan, resources, eta) <= units) best = plan;
      else break;
    }
    if (best) return best;
  }
  for (const rung of first ? [resources.length - 1, 0] : [resources.length - 1]) {
    const n = Math.min(maxConfigurations, Math.floor(units / resources[rung]));
    if (n >= 1) return { configurations: n, rungs: [rung] };
  }
  return null;
}

/** The configurations that go on to the next rung: the best `keep` by score (ties: the earlier configuration); failed trials (null) never. */
export function survivors(scores: ReadonlyArray<{ configuration: number; score: number | null }>, keep: number): number[] {
  return scores
    .filter((s): s is { configuration: number; score: number } => s.score !== null)
    .sort((a, b) => b.score - a.score || a.configuration - b.configuration)
    .slice(0, keep)
    .map((s) => s.configuration)
    .sort((a, b) => a - b);
}
