import { config } from "@/lib/config";

/** Benchmarks of fewer images than this are "small samples": shown, marked, never crowned. */
export const smallSampleMinimum = () => config().evaluation.minSamples;

export const isSmallSample = (n: number | null | undefined) => n !== null && n !== undefined && n < smallSampleMinimum();
