/** Attributions of a model's predictions: exact linear SHAP, integrated gradients, KernelSHAP over patches. */
export { DEFAULT_EXPLAIN_OPTIONS, explainModel, type ExplainableModel, type ExplainOptions } from "./explain";
export { integratedGradients } from "./integrated-gradients";
export { kernelShap, patchValuesToPixels, type KernelShapResult } from "./kernel-shap";
export { linearLogits, linearShap } from "./linear";

export type { ExplanationExample, ExplanationMethodResult } from "./types";
