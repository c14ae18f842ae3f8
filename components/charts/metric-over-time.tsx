"use client";

import { CartesianGrid, ErrorBar, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface MetricPoint {
  /** When the dataset version was created (ms since epoch). */
  at: number;
  label: string;
  accuracy: { value: number; n: number; interval: { low: number; high: number } };
  /** Fewer images than the small-sample minimum: drawn hollow. */
  small: boolean;
}

export interface MetricSeries {
  name: string;
  points: MetricPoint[];
}

const COLOURS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#db2777"];
const DAY = 24 * 60 * 60 * 1000;

type Plotted = MetricPoint & { value: number; error: [number, number] };

/**
 * Accuracy of one model version over dataset versions: one line per tag (never joined across
 * tags), x = when the version was made, each point with its 95 % interval as an error bar.
 */
export function MetricOverTime({ series }: { series: MetricSeries[] }) {
  const plotted = series.map((s) => ({
    name: s.name,
    points: [...s.points]
      .sort((a, b) => a.at - b.at)
      .map((p): Plotted => ({
        ...p,
        value: p.accuracy.value,
        error: [p.accuracy.value - p.accuracy.interval.low, p.accuracy.interval.high - p.accuracy.value],
      })),
  }));
  const all = plotted.flatMap((s) => s.points);
  const times = all.map((p) => p.at);
  // A single version (or several at one instant) still gets a readable axis: a day either side.
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const pad = last - first < DAY ? DAY : (last - first) * 0.05;
  const low = Math.max(0, Math.min(...all.map((p) => p.accuracy.interval.low)) - 0.01);
  const high = Math.min(1, Math.max(...all.map((p) => p.accuracy.interval.high)) + 0.01);
  return (
    <div className="h-64 w-full" data-testid="metric-over-time" role="img" aria-label="Accuracy over dataset versions, one series per tag">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={[first - pad, last + pad]}
            fontSize={11}
            tickFormatter={(v: number) => new Date(v).toISOString().slice(0, 10)}
            allowDuplicatedCategory={false}
          />
          <YAxis type="number" domain={[low, high]} fontSize={11} width={48} tickFormatter={(v: number) => `${(v * 100).toFixed(1)}%`} />
          <Tooltip
            labelFormatter={(_v: unknown, payload) => {
              const point = payload?.[0]?.payload as Plotted | undefined;
              return point ? `${point.label} (n = ${point.accuracy.n.toLocaleString("en-US")}${point.small ? ", small sample" : ""})` : "";
            }}
            formatter={(_v: unknown, _name: unknown, item) => {
              const p = (item as { payload?: Plotted }).payload;
              return p ? `${(p.value * 100).toFixed(2)}% [${(p.accuracy.interval.low * 100).toFixed(2)}, ${(p.accuracy.interval.high * 100).toFixed(2)}]` : "";
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {plotted.map((s, i) => {
            const colour = COLOURS[i % COLOURS.length];
            return (
              <Line
                key={s.name}
                data={s.points}
                dataKey="value"
                name={s.name}
                stroke={colour}
                isAnimationActive={false}
                dot={(props: { cx?: number; cy?: number; index?: number; payload?: Plotted }) => (
                  <circle
                    key={`${s.name}-${props.index}`}
                    cx={props.cx}
                    cy={props.cy}
                    r={4}
                    stroke={colour}
                    strokeWidth={2}
                    fill={props.payload?.small ? "var(--color-background, white)" : colour}
                  />
                )}
              >
                <ErrorBar dataKey="error" width={6} stroke={colour} strokeWidth={1.5} direction="y" />
              </Line>
            );
          })}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
