import { openInferenceRoutes } from "@/lib/serving";

/** Open Inference Protocol: inference on a tensor of images. */
export const POST = openInferenceRoutes.latest.infer;
