"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface Series {
  key: string;
  name: string;
  colour: string;
  kind?: "line" | "bar";
  /** Second axis on the right (different units). */
  right?: boolean;
}

/** Values over time (x = ms since epoch), as lines or bars, with optional threshold lines. */
export function TimeSeries({
  data,
  series,
  thresholds = [],
  label,
  testId,
  digits = 2,
  yDomain,
}: {
  data: Array<Record<string, number | null>>;
  series: Series[];
  thresholds?: Array<{ value: number; label: string }>;
  label: string;
  testId: string;
  digits?: number;
  /** Left axis range; by default fitted to the data. */
  yDomain?: [number, number];
}) {
  const hasRight = series.some((s) => s.right);
  const time = (v: number) => new Date(v).toISOString().slice(5, 16).replace("T", " ");
  return (
    <div className="h-64 w-full" data-testid={testId} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
          <XAxis dataKey="at" type="number" scale="time" domain={["dataMin", "dataMax"]} padding={{ left: 16, right: 16 }} fontSize={11} tickFormatter={time} />
          <YAxis yAxisId="left" domain={yDomain ?? [0, "auto"]} fontSize={11} width={48} tickFormatter={(v: number) => v.toFixed(digits)} />
          {hasRight && <YAxis yAxisId="right" orientation="right" fontSize={11} width={48} />}
          <Tooltip labelFormatter={(v: unknown) => time(Number(v))} formatter={(v: unknown) => Number(v).toFixed(digits)} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {thresholds.map((t) => (
            <ReferenceLine
              key={t.label}
              yAxisId="left"
              y={t.value}
              stroke="#dc2626"
              strokeDasharray="4 4"
              label={{ value: t.label, fontSize: 10, fill: "#dc2626", position: "insideTopRight" }}
            />
          ))}
          {series.map((s) =>
            s.kind === "bar" ? (
              // A time axis has no bands: without a fixed size, bars (a single one above all) get no width.
              <Bar key={s.key} yAxisId={s.right ? "right" : "left"} dataKey={s.key} name={s.name} fill={s.colour} barSize={10} isAnimationActive={false} />
            ) : (
              <Line
                key={s.key}
                yAxisId={s.right ? "right" : "left"}
                dataKey={s.key}
                name={s.name}
                stroke={s.colour}
                dot={data.length < 30}
                isAnimationActive={false}
                connectNulls
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
