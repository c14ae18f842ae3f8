"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface RocSeries {
  name: string;
  auc: number | null;
  points: Array<{ x: number; y: number }>;
}

const COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#db2777", "#65a30d", "#7c3aed", "#ca8a04"];

/** Every class's one-vs-rest ROC curve in one chart (x: false-positive rate, y: true-positive rate), AUCs in the legend. */
export function RocChart({ series }: { series: RocSeries[] }) {
  return (
    <div className="h-80 w-full" data-testid="roc-chart" role="img" aria-label="One-vs-rest ROC curves">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis type="number" dataKey="x" domain={[0, 1]} tickCount={6} fontSize={11} />
          <YAxis type="number" dataKey="y" domain={[0, 1]} tickCount={6} fontSize={11} width={36} />
          <Tooltip formatter={(v: unknown) => Number(v).toFixed(3)} labelFormatter={(v: unknown) => `FPR ${Number(v).toFixed(3)}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Line
              key={s.name}
              data={s.points}
              dataKey="y"
              name={`${s.name} (AUC ${s.auc === null ? "—" : s.auc.toFixed(3)})`}
              stroke={COLOURS[i % COLOURS.length]}
              dot={false}
              strokeWidth={1.5}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
