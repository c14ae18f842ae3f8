import { readyRoute } from "@/lib/serving";

/** Open Inference Protocol: readiness (a champion loads). */
export const GET = readyRoute;
