"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface CurveSeries {
  name: string;
  /** The area figure shown in the legend (AUC, average precision). */
  area: number | null;
  points: Array<{ x: number; y: number }>;
}

/** A ROC series: its area is the AUC. */
export type RocSeries = Omit<CurveSeries, "area"> & { auc: number | null };

const COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#db2777", "#65a30d", "#7c3aed", "#ca8a04"];

interface CurveChartProps {
  series: CurveSeries[];
  areaName: string;
  xName: string;
  label: string;
  testId: string;
}

/** Curves over [0, 1] x [0, 1], one line per series, each series' area figure in the legend. */
function CurveChart({ series, areaName, xName, label, testId }: CurveChartProps) {
  return (
    <div className="h-80 w-full" data-testid={testId} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis type="number" dataKey="x" domain={[0, 1]} tickCount={6} fontSize={11} />
          <YAxis type="number" dataKey="y" domain={[0, 1]} tickCount={6} fontSize={11} width={36} />
          <Tooltip formatter={(v: unknown) => Number(v).toFixed(3)} labelFormatter={(v: unknown) => `${xName} ${Number(v).toFixed(3)}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Line
              key={s.name}
              data={s.points}
              dataKey="y"
              name={`${s.name} (${areaName} ${s.area === null ? "—" : s.area.toFixed(3)})`}
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

/** Every class's one-vs-rest ROC curve in one chart (x: false-positive rate, y: true-positive rate), AUCs in the legend. */
export function RocChart({ series }: { series: RocSeries[] }) {
  return (
    <CurveChart series={series.map(({ auc, ...s }) => ({ ...s, area: auc }))} areaName="AUC" xName="FPR" label="One-vs-rest ROC curves" testId="roc-chart" />
  );
}

/** One-vs-rest precision-recall curves (x: recall, y: precision), average precision in the legend. */
export function PrecisionRecallChart({ series }: { series: CurveSeries[] }) {
  return <CurveChart series={series} areaName="AP" xName="recall" label="One-vs-rest precision-recall curves" testId="pr-chart" />;
}
