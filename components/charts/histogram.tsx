"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Counts per bin as bars; `labels` name the bins. */
export function Histogram({ labels, counts, label }: { labels: string[]; counts: number[]; label: string }) {
  const data = counts.map((count, i) => ({ bin: labels[i], count }));
  return (
    <div className="h-56 w-full" role="img" aria-label={label} data-testid="histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis dataKey="bin" fontSize={10} interval="preserveStartEnd" />
          <YAxis fontSize={11} width={48} />
          <Tooltip />
          <Bar dataKey="count" fill="var(--color-primary)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
