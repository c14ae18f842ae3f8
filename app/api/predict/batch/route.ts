import { predictBatchRoute } from "@/lib/serving";

/** Classifies up to PREDICT_MAX_BATCH_REQUEST characters at once, one result or error per item. */
export const POST = predictBatchRoute;
