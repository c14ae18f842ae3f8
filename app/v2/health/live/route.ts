import { liveRoute } from "@/lib/serving";

/** Open Inference Protocol: liveness. */
export const GET = liveRoute;
