import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: inference by one version. */
export const POST = openInferenceRoutes.version.infer;
