export function formatPercent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatDateTime(value: Date | string): string {
  const d = typeof value === "string" ? new Date(value) : value;
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** A 95 % interval as the tables show it. */
export interface IntervalLike {
  low: number;
  high: number;
}

/**
 * A figure with its uncertainty: "96.50% ± 0.80" when the interval is about symmetric, else
 * the range ("100.00% [20.65, 100.00]", as Wilson gives for 1 of 1). Percent figures are in
 * points; scores in their own unit.
 */
export function formatEstimate(value: number, interval: IntervalLike | null | undefined, kind: "percent" | "score" = "percent"): string {
  const spread = formatSpread(value, interval, kind);
  return spread ? `${formatFigure(value, kind)} ${spread}` : formatFigure(value, kind);
}

export const formatFigure = (value: number, kind: "percent" | "score" = "percent") => (kind === "percent" ? formatPercent(value, 2) : value.toFixed(4));

/** The uncertainty part of formatEstimate alone ("± 0.80", "[20.65, 100.00]"), or "" without an interval. */
export function formatSpread(value: number, interval: IntervalLike | null | undefined, kind: "percent" | "score" = "percent"): string {
  if (!interval || !Number.isFinite(interval.low) || !Number.isFinite(interval.high)) return "";
  const scale = kind === "percent" ? 100 : 1;
  const bound = kind === "percent" ? 2 : 4;
  const below = (value - interval.low) * scale;
  const above = (interval.high - value) * scale;
  const half = (above + below) / 2;
  if (half === 0 || Math.abs(above - below) <= 0.25 * half) return `± ${half.toFixed(kind === "percent" ? (half < 10 ? 2 : 1) : 4)}`;
  return `[${(interval.low * scale).toFixed(bound)}, ${(interval.high * scale).toFixed(bound)}]`;
}

export const formatSampleSize = (n: number) => `n = ${formatCount(n)}`;

/** A p-value to four decimals, or in scientific notation when smaller. */
export function formatPValue(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}
