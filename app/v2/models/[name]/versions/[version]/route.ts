import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: one version's metadata. */
export const GET = openInferenceRoutes.version.metadata;
