"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];

/**
 * One value per class for each series (per-class F1 of several models, class shares of
 * several dataset versions), as grouped bars. Scores default to an axis ending at 1.
 */
export function ClassBars({ classes, series, yDomain }: { classes: string[]; series: Array<{ name: string; values: number[] }>; yDomain?: [number, number] }) {
  const data = classes.map((char, c) => Object.fromEntries([["char", char], ...series.map((s) => [s.name, s.values[c]])]));
  const lowest = Math.min(...series.flatMap((s) => s.values));
  return (
    <div className="h-72 w-full" data-testid="class-bars" role="img" aria-label="Per-class values by model">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis dataKey="char" fontSize={16} tickLine={false} />
          <YAxis
            domain={yDomain ?? [Math.max(0, Math.floor(lowest * 20) / 20 - 0.05), 1]}
            fontSize={11}
            width={40}
            tickFormatter={(v: number) => v.toFixed(2)}
          />
          <Tooltip formatter={(v: unknown) => Number(v).toFixed(3)} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Bar key={s.name} dataKey={s.name} fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
