import { Badge } from "@/components/ui/badge";
import { smallSampleMinimum } from "@/lib/benchmark";
import { formatCount, formatEstimate, formatSampleSize } from "@/lib/format";
import type { Estimate } from "@/lib/metrics";

/** "small sample" with the reason on hover: too few images for the figure to be trusted or crowned. */
export function SmallSampleBadge({ n }: { n: number }) {
  return (
    <Badge variant="warning" title={`Only ${formatCount(n)} images (fewer than ${formatCount(smallSampleMinimum())}): never counted as best or leader`}>
      small sample
    </Badge>
  );
}

/** A figure as every table shows it: "96.50% ± 0.80 (n = 2,000)", marked when the sample is small. */
export function EstimateText({
  estimate,
  kind = "percent",
  testId,
  stacked = false,
}: {
  estimate: Estimate | null;
  kind?: "percent" | "score";
  testId?: string;
  stacked?: boolean;
}) {
  if (!estimate) return <span className="text-muted-foreground">—</span>;
  const small = estimate.n < smallSampleMinimum();
  return (
    <span className={stacked ? "inline-flex flex-col items-end gap-0.5" : "inline-flex flex-wrap items-center justify-end gap-x-1.5"} data-testid={testId}>
      <span className="whitespace-nowrap tabular-nums">{formatEstimate(estimate.value, estimate.interval, kind)}</span>
      <span className="text-xs whitespace-nowrap text-muted-foreground">({formatSampleSize(estimate.n)})</span>
      {small && <SmallSampleBadge n={estimate.n} />}
    </span>
  );
}
