import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: whether a model loads. */
export const GET = openInferenceRoutes.latest.ready;
