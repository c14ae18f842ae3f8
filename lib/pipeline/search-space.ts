import type { Algorithm } from "@/lib/ml";

/** One hyperparameter's range in a search space. */
export type Dimension =
  | { kind: "log-uniform"; min: number; max: number }
  | { kind: "uniform"; min: number; max: number; digits?: number }
  | { kind: "int"; min: number; max: number }
  | { kind: "choice"; values: ReadonlyArray<number | boolean> };

/**
 * What successive halving gives more of at each rung: training epochs, or (for the tree,
 * which has no epochs) a larger share of the training data.
 */
export interface SearchResource {
  kind: "epochs" | "data-fraction";
  /** Rungs from the smallest budget to the full one. */
  rungs: readonly number[];
}

/** The declared space of one model family: what a search may vary, and what it keeps fixed. */
export interface SearchSpace {
  dimensions: Readonly<Record<string, Dimension>>;
  resource: SearchResource;
  fixed?: Readonly<Record<string, unknown>>;
}

/**
 * The spaces searched per family. Ranges around the defaults that the families' own
 * measurements found good (lib/ml/families), wide enough to find a better one; the CNN's
 * rungs (2, 6, 18 epochs) make the first rung ~1 minute a trial on 2 cores.
 */
export const SEARCH_SPACES: Readonly<Record<Algorithm, SearchSpace>> = {
  cnn: {
    dimensions: {
      learningRate: { kind: "log-uniform", min: 5e-4, max: 5e-3 },
      batchSize: { kind: "choice", values: [32, 64, 128] },
      filters: { kind: "choice", values: [16, 24, 32] },
      denseUnits: { kind: "choice", values: [64, 128, 256] },
      dropout: { kind: "uniform", min: 0.1, max: 0.5, digits: 2 },
      batchNorm: { kind: "choice", values: [false, true] },
      strokeRenditions: { kind: "uniform", min: 0, max: 0.5, digits: 2 },
    },
    resource: { kind: "epochs", rungs: [2, 6, 18] },
    fixed: { augment: true },
  },
  logreg: {
    dimensions: {
      learningRate: { kind: "log-uniform", min: 2e-4, max: 1e-2 },
      l2: { kind: "log-uniform", min: 1e-6, max: 1e-2 },
      batchSize: { kind: "choice", values: [64, 128, 256] },
    },
    resource: { kind: "epochs", rungs: [5, 15, 45] },
  },
  tree: {
    dimensions: {
      maxDepth: { kind: "int", min: 8, max: 30 },
      minSamplesSplit: { kind: "int", min: 2, max: 20 },
      minSamplesLeaf: { kind: "int", min: 1, max: 10 },
      bins: { kind: "choice", values: [16, 32, 64] },
    },
    resource: { kind: "data-fraction", rungs: [1 / 9, 1 / 3, 1] },
  },
};

/** One random configuration of `space` (every dimension drawn independently). */
export function sampleConfiguration(space: SearchSpace, random: () => number): Record<string, number | boolean> {
  const configuration: Record<string, number | boolean> = {};
  for (const [name, dimension] of Object.entries(space.dimensions)) configuration[name] = sampleDimension(dimension, random());
  return configuration;
}

function sampleDimension(dimension: Dimension, u: number): number | boolean {
  switch (dimension.kind) {
    case "log-uniform": {
      const value = Math.exp(Math.log(dimension.min) + u * (Math.log(dimension.max) - Math.log(dimension.min)));
      // Three significant digits: readable in the trials table, and as good a point as any.
      return Number(value.toPrecision(3));
    }
    case "uniform":
      return Number((dimension.min + u * (dimension.max - dimension.min)).toFixed(dimension.digits ?? 3));
    case "int":
      return dimension.min + Math.min(dimension.max - dimension.min, Math.floor(u * (dimension.max - dimension.min + 1)));
    case "choice":
      return dimension.values[Math.min(dimension.values.length - 1, Math.floor(u * dimension.values.length))];
  }
}

/** The hyperparameters of one trial: the configuration, the space's fixed values, and the rung's resource. */
export function trialHyperparameters(space: SearchSpace, configuration: Record<string, unknown>, rung: number): Record<string, unknown> {
  const resource = space.resource.rungs[rung];
  return { ...space.fixed, ...configuration, ...(space.resource.kind === "epochs" ? { epochs: resource } : {}) };
}
