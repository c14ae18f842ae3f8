import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: whether one version loads. */
export const GET = openInferenceRoutes.version.ready;
