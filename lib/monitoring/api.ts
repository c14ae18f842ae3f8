import { z } from "zod";
import { operation } from "@/lib/http";
import { NUM_CLASSES } from "@/lib/kmnist";

/** `POST /api/feedback`: confirm a prediction, or say which class it really is. */
export const feedbackSchema = z
  .object({
    predictionId: z.uuid("must be the predictionId a prediction answered with"),
    label: z
      .number()
      .int()
      .min(0)
      .max(NUM_CLASSES - 1)
      .optional()
      .meta({ description: "The right class (give this or `correct`)" }),
    correct: z.literal(true).optional().meta({ description: "The prediction was right" }),
    noneOfThese: z.literal(true).optional().meta({ description: "The input is none of the ten characters: kept as a negative example, never as a label" }),
  })
  .strict()
  .refine((b) => [b.label, b.correct, b.noneOfThese].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of "label" (the right class), "correct": true or "noneOfThese": true',
  });

export type FeedbackInput = z.infer<typeof feedbackSchema>;

export const feedbackResultSchema = z.object({
  predictionId: z.uuid(),
  label: z
    .number()
    .int()
    .min(0)
    .max(NUM_CLASSES - 1)
    .nullable()
    .meta({ description: "null for `none`" }),
  kind: z.enum(["confirmed", "corrected", "none"]).meta({ description: "none: the input is not one of the ten characters (a negative, never a label)" }),
  review: z.enum(["pending", "approved"]).meta({ description: "pending: it waits in the review queue before it can train anything" }),
  predicted: z
    .number()
    .int()
    .min(0)
    .max(NUM_CLASSES - 1),
});

export type FeedbackResult = z.infer<typeof feedbackResultSchema>;

export const feedbackOperation = operation({
  id: "feedback",
  method: "POST",
  path: "/api/feedback",
  tag: "Monitoring",
  access: "public",
  summary: "Confirm or correct a prediction",
  description:
    "The verdict becomes a labelled record of the `feedback` source (ingested by the monitoring job), so the `kmnist-feedback` tag gets a new version and every model is benchmarked on it.",
  body: feedbackSchema,
  maxBodyBytes: 4 * 1024,
  rateLimited: true,
  responses: { 201: { description: "The verdict is recorded", json: feedbackResultSchema } },
  errors: {
    404: { description: "No recorded prediction with this id", codes: ["unknown_prediction"] },
    409: { description: "This prediction already has feedback", codes: ["feedback_exists"] },
  },
});
