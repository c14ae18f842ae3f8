import { predictRoute, predictWrongMethodRoute } from "@/lib/serving";

/** Classifies one character: JSON pixels, a JSON data URL, multipart upload or a raw image body. */
export const POST = predictRoute;
export const GET = predictWrongMethodRoute;
