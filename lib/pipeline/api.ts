import { z } from "zod";
import { idParam, isoDate, operation } from "@/lib/http";
import { jobAcceptedSchema } from "@/lib/jobs";

/** The API of training: what the Training page polls, and the request for a run. */

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

export const trainingProgressSchema = z.object({
  epoch: z.number(),
  epochs: z.number(),
  loss: z.number().optional(),
  accuracy: z.number().optional(),
  etaSeconds: z.number().optional(),
  message: z.string().optional(),
});

export const trainingRunSchema = z
  .object({
    id: z.number().int(),
    algorithm: z.string(),
    status: z.enum(["pending", "running", "succeeded", "failed", "interrupted"]),
    hyperparameters: z.record(z.string(), z.unknown()),
    trainVersionId: nullable(z.number().int()),
    evalVersionId: nullable(z.number().int()),
    backend: nullable(z.string()),
    progress: nullable(trainingProgressSchema),
    holdoutAccuracy: nullable(z.number()),
    trainSeconds: nullable(z.number()),
    modelVersionId: nullable(z.number().int()),
    pipelineRunId: nullable(z.number().int()),
    searchId: nullable(z.number().int()).meta({ description: "The hyperparameter search this run is a trial of" }),
    searchTrial: nullable(z.string()).meta({ description: "The trial's bracket, configuration and rung, e.g. b0-c3-r1" }),
    rung: nullable(z.number().int()).meta({ description: "Successive-halving rung (0 = smallest training budget)" }),
    validationAccuracy: nullable(z.number()).meta({
      description: "Accuracy on the search's validation split of the training data (what the search selects on)",
    }),
    lockedBy: nullable(z.string()),
    heartbeatAt: nullable(isoDate),
    error: nullable(z.string()),
    startedAt: nullable(isoDate),
    finishedAt: nullable(isoDate),
    createdAt: isoDate,
  })
  .meta({ id: "TrainingRun" });

export const pipelineCandidateSchema = z.object({
  algorithm: z.string(),
  modelVersionId: z.number().int(),
  model: z.string(),
  holdoutAccuracy: z.number(),
  trainSeconds: z.number(),
  holdoutInterval: nullable(z.object({ low: z.number(), high: z.number(), method: z.enum(["wilson", "bootstrap"]) })).meta({
    description: "95 % Wilson interval of the holdout accuracy",
  }),
});

const promotionComparisonSchema = z
  .object({
    tag: z.string().optional().meta({ description: "The holdout tag (absent on older runs: kmnist-holdout)" }),
    holdoutVersionId: z.number().int(),
    challenger: z.object({ id: z.number().int(), label: z.string(), accuracy: z.number() }),
    champion: z.object({ id: z.number().int(), label: z.string(), accuracy: z.number() }),
    contingency: z
      .object({
        n: z.number().int(),
        bothCorrect: z.number().int(),
        firstOnly: z.number().int().meta({ description: "Images only the challenger got right" }),
        secondOnly: z.number().int().meta({ description: "Images only the champion got right" }),
        bothWrong: z.number().int(),
        pValue: z.number().meta({ description: "Exact McNemar test, two-sided" }),
      })
      .meta({ id: "PairedContingency" }),
    maxP: z.number(),
    margins: z.object({ minAbsolute: z.number(), minRelative: z.number() }),
  })
  .meta({ id: "PromotionComparison" });

export const pipelineRunSchema = z
  .object({
    id: z.number().int(),
    trigger: z.string(),
    actor: z.string(),
    status: z.enum(["running", "succeeded", "failed", "interrupted"]),
    lockedBy: nullable(z.string()),
    heartbeatAt: nullable(isoDate),
    trainVersionId: nullable(z.number().int()),
    holdoutVersionId: nullable(z.number().int()),
    holdoutRecords: nullable(z.number().int()).meta({ description: "Images in the holdout version" }),
    candidates: nullable(z.array(pipelineCandidateSchema)),
    championBeforeId: nullable(z.number().int()),
    championBeforeAccuracy: nullable(z.number()),
    championAfterId: nullable(z.number().int()),
    decision: nullable(z.enum(["promoted", "kept"])),
    comparison: nullable(promotionComparisonSchema).meta({
      description: "The paired test on kmnist-holdout behind the decision (null without a champion to compare with)",
    }),
    sourceComparisons: nullable(z.array(promotionComparisonSchema)).meta({
      description: "The same test on the holdout of every other source in the training tag (imports, feedback), each apart",
    }),
    triggerDetail: nullable(
      z.object({
        reason: z.string(),
        newRecords: z.number().int().optional(),
        trainingVersionId: z.number().int().optional(),
        driftReportId: z.number().int().optional(),
        liveAccuracy: z.object({ before: z.number(), after: z.number(), window: z.number().int() }).optional(),
      }),
    ).meta({ description: "Why a data-driven trigger (data, drift, accuracy) started the run, with its numbers" }),
    trainingTag: nullable(z.string()).meta({ description: "The tag of the training data version" }),
    searchId: nullable(z.number().int()).meta({ description: "The hyperparameter search the run's candidate came from (null: one model per family)" }),
    reason: nullable(z.string()),
    error: nullable(z.string()),
    startedAt: isoDate,
    finishedAt: nullable(isoDate),
  })
  .meta({ id: "PipelineRun" });

export const trainingStatusSchema = z.object({
  queued: z
    .array(z.object({ id: z.number().int(), status: z.string(), attempts: z.number().int(), createdAt: isoDate, lastError: nullable(z.string()) }))
    .meta({
      description: "Pipeline jobs waiting or running in a live process",
    }),
  active: z.array(trainingRunSchema).meta({ description: "Models in training, with their progress" }),
  pipelines: z.array(pipelineRunSchema).meta({ description: "Recent pipeline runs and their decisions, newest first" }),
});

/** What the Training page shows, as JSON. */
export type TrainingStatusJson = z.infer<typeof trainingStatusSchema>;

export const requestTrainingSchema = z
  .object({
    algorithms: z
      .array(z.enum(["logreg", "tree", "cnn"]))
      .min(1)
      .max(3)
      .optional(),
    trainingTag: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "must be a dataset tag name")
      .optional()
      .meta({ description: "Train on this tag instead of TRAINING_TAG" }),
    trainingVersionId: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .meta({ description: "Train on this earlier version of the tag (retraining on an earlier data version)" }),
    search: z
      .object({
        algorithm: z.enum(["logreg", "tree", "cnn"]),
        budgetMinutes: z.number().min(1).max(1440).meta({ description: "Time the trials may take in all" }),
      })
      .strict()
      .optional()
      .meta({
        description:
          "Search this family's hyperparameters (random search with successive halving) within the budget instead of training each family once; the best trial goes through the promotion gate",
      }),
  })
  .strict()
  .refine((body) => !(body.search && body.algorithms), { message: "give either algorithms or search, not both", path: ["search"] });

export const trainingStatusOperation = operation({
  id: "trainingStatus",
  method: "GET",
  path: "/api/training",
  tag: "Training",
  access: "viewer",
  summary: "Queued and running training, and recent pipeline decisions (the Training page polls this)",
  responses: { 200: { description: "The training status", json: trainingStatusSchema } },
});

export const requestTrainingOperation = operation({
  id: "requestTraining",
  method: "POST",
  path: "/api/training",
  tag: "Training",
  access: "admin",
  summary: "Queue a run of the training pipeline",
  body: requestTrainingSchema,
  responses: { 202: { description: "Queued on the job engine", json: jobAcceptedSchema } },
  errors: {
    409: { description: "A pipeline is already queued or running", codes: ["training_in_progress"] },
    422: { description: "The tag or version does not exist, or the version is not one of the tag's", codes: ["unknown_training_version"] },
  },
});

const searchSpaceSchema = z.object({
  dimensions: z.record(z.string(), z.record(z.string(), z.unknown())),
  resource: z.object({ kind: z.enum(["epochs", "data-fraction"]), rungs: z.array(z.number()) }),
  fixed: z.record(z.string(), z.unknown()).optional(),
});

export const hyperparameterSearchSchema = z
  .object({
    id: z.number().int(),
    pipelineRunId: z.number().int(),
    algorithm: z.string(),
    status: z.enum(["running", "succeeded", "failed", "interrupted"]),
    budgetSeconds: z.number().int(),
    spentSeconds: z.number().meta({ description: "Seconds the trials have taken so far" }),
    strategy: z.object({
      kind: z.literal("successive-halving"),
      eta: z.number(),
      maxConfigurations: z.number().int(),
      validationShare: z.number(),
      space: searchSpaceSchema,
      brackets: z.array(z.object({ configurations: z.number().int(), rungs: z.array(z.number().int()) })),
    }),
    seed: z.number().int(),
    trainVersionId: nullable(z.number().int()),
    validationCount: nullable(z.number().int()).meta({ description: "Images in the validation split trials are scored on" }),
    bestTrainingRunId: nullable(z.number().int()),
    modelVersionId: nullable(z.number().int()).meta({ description: "The best trial, registered" }),
    error: nullable(z.string()),
    startedAt: isoDate,
    finishedAt: nullable(isoDate),
    trialCount: z.number().int(),
    bestValidationAccuracy: nullable(z.number()),
  })
  .meta({ id: "HyperparameterSearch" });

export const searchDetailSchema = z
  .object({
    search: hyperparameterSearchSchema,
    trials: z.array(trainingRunSchema).meta({ description: "Every trial, oldest first" }),
    holdoutRecords: nullable(z.number().int()).meta({ description: "Images in the holdout version the trials were also scored on" }),
    decision: nullable(z.object({ decision: nullable(z.enum(["promoted", "kept"])), reason: nullable(z.string()) })).meta({
      description: "The promotion gate's decision on the best trial (null while the search runs)",
    }),
  })
  .meta({ id: "HyperparameterSearchDetail" });

export const listSearchesOperation = operation({
  id: "listHyperparameterSearches",
  method: "GET",
  path: "/api/training/searches",
  tag: "Training",
  access: "viewer",
  summary: "Recent hyperparameter searches, newest first",
  responses: { 200: { description: "The searches", json: z.object({ searches: z.array(hyperparameterSearchSchema) }) } },
});

export const searchDetailOperation = operation({
  id: "getHyperparameterSearch",
  method: "GET",
  path: "/api/training/searches/{id}",
  tag: "Training",
  access: "viewer",
  summary: "One hyperparameter search with its trials and the promotion decision on its best trial",
  params: z.object({ id: idParam }),
  responses: { 200: { description: "The search", json: searchDetailSchema } },
  errors: { 404: { description: "No such search", codes: ["not_found"] } },
});
