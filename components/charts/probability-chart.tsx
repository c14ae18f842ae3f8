"use client";

import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, XAxis, YAxis } from "recharts";

export interface ClassProbability {
  label: number;
  char: string;
  p: number;
}

/** All ten class probabilities as horizontal bars, in class order, the winner highlighted. */
export function ProbabilityChart({ probabilities }: { probabilities: ClassProbability[] }) {
  const data = [...probabilities].sort((a, b) => a.label - b.label).map((c) => ({ ...c, percent: c.p * 100 }));
  const best = Math.max(...data.map((d) => d.p));
  return (
    <div className="h-72 w-full" data-testid="probability-chart" role="img" aria-label="Probability of each character">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ left: 4, right: 48, top: 4, bottom: 4 }}>
          <XAxis type="number" domain={[0, 100]} hide />
          <YAxis type="category" dataKey="char" width={32} interval={0} tick={{ fontSize: 18 }} tickLine={false} axisLine={false} />
          <Bar dataKey="percent" radius={[0, 4, 4, 0]} isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.label} fill={d.p === best ? "var(--color-primary)" : "oklch(0.8 0.02 265)"} />
            ))}
            <LabelList dataKey="percent" position="right" formatter={(v: unknown) => `${Number(v).toFixed(1)}%`} className="fill-foreground text-xs" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
