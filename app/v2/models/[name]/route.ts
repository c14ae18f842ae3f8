import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: a model's metadata (its latest version, or an alias's). */
export const GET = openInferenceRoutes.latest.metadata;
