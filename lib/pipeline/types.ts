/** One model a pipeline run trained, with its holdout accuracy. */
export interface PipelineCandidate {
  algorithm: string;
  modelVersionId: number;
  model: string;
  holdoutAccuracy: number;
  trainSeconds: number;
}
