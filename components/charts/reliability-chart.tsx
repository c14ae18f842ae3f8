"use client";

import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReliabilityBin } from "@/lib/metrics";

/** Reliability diagram: accuracy per confidence bin against the diagonal of perfect calibration. */
export function ReliabilityChart({ bins }: { bins: ReliabilityBin[] }) {
  const data = bins.map((b) => ({ mid: (b.lower + b.upper) / 2, accuracy: b.count ? b.accuracy : null, perfect: (b.lower + b.upper) / 2, count: b.count }));
  return (
    <div className="h-64 w-full" data-testid="reliability-chart" role="img" aria-label="Reliability diagram">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis
            dataKey="mid"
            type="number"
            domain={[0, 1]}
            tickCount={6}
            fontSize={11}
            label={{ value: "confidence", position: "insideBottom", offset: -8, fontSize: 11 }}
          />
          <YAxis domain={[0, 1]} tickCount={6} fontSize={11} width={36} />
          <Tooltip formatter={(v: unknown) => (typeof v === "number" ? v.toFixed(3) : String(v))} />
          <Bar dataKey="accuracy" fill="var(--color-primary)" barSize={14} isAnimationActive={false} name="accuracy" />
          <Line dataKey="perfect" stroke="#94a3b8" strokeDasharray="4 4" dot={false} isAnimationActive={false} name="perfect calibration" />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
