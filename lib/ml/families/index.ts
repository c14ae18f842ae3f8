import { cnn } from "./cnn";
import { logisticRegression } from "./logreg";
import { decisionTree } from "./tree";
import type { ModelFamily } from "./types";

export const MODEL_FAMILIES = {
  logreg: logisticRegression,
  tree: decisionTree,
  cnn,
} as const satisfies Record<string, ModelFamily>;

export type Algorithm = keyof typeof MODEL_FAMILIES;
export const ALGORITHMS = Object.keys(MODEL_FAMILIES) as Algorithm[];

export function isAlgorithm(value: string): value is Algorithm {
  return Object.hasOwn(MODEL_FAMILIES, value);
}

export function modelFamily(algorithm: string): ModelFamily {
  if (!isAlgorithm(algorithm)) throw new Error(`Unknown algorithm "${algorithm}"; expected one of ${ALGORITHMS.join(", ")}`);
  return MODEL_FAMILIES[algorithm] as ModelFamily;
}
