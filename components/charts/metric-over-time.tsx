"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface MetricPoint {
  /** When the dataset version was created (ms since epoch). */
  at: number;
  label: string;
  accuracy: number | null;
  macroF1: number | null;
}

/** A model version's metrics across its benchmarks, one point per dataset version, in time order. */
export function MetricOverTime({ points }: { points: MetricPoint[] }) {
  const data = [...points].sort((a, b) => a.at - b.at);
  return (
    <div className="h-64 w-full" data-testid="metric-over-time" role="img" aria-label="Metrics over dataset versions">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            fontSize={11}
            tickFormatter={(v: number) => new Date(v).toISOString().slice(0, 10)}
            padding={{ left: 24, right: 24 }}
          />
          {/* Padded so a single benchmark (or equal ones) still gets a readable axis. */}
          <YAxis
            domain={[(min: number) => Math.max(0, min - 0.01), (max: number) => Math.min(1, max + 0.01)]}
            fontSize={11}
            width={44}
            tickFormatter={(v: number) => v.toFixed(3)}
          />
          <Tooltip
            labelFormatter={(_v: unknown, payload) => String((payload?.[0]?.payload as MetricPoint | undefined)?.label ?? "")}
            formatter={(v: unknown) => Number(v).toFixed(4)}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="accuracy" name="accuracy" stroke="#2563eb" isAnimationActive={false} connectNulls />
          <Line dataKey="macroF1" name="macro F1" stroke="#16a34a" isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
