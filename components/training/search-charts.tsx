"use client";

import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";

/** A finished trial as the charts need it. */
export interface ChartTrial {
  key: string;
  rung: number;
  validationAccuracy: number;
  hyperparameters: Record<string, unknown>;
  /** Minutes from the search's start to the trial's end. */
  finishedMinutes: number;
}

const RUNG_COLOURS = ["#94a3b8", "#3b82f6", "#16a34a", "#f59e0b", "#dc2626"];
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const numeric = (value: unknown) => (typeof value === "boolean" ? Number(value) : typeof value === "number" ? value : NaN);

/** Each searched hyperparameter against the validation score (one colour per rung), and the best score so far over the search's time. */
export function SearchCharts({
  trials,
  dimensions,
  rungLabels,
}: {
  trials: ChartTrial[];
  /** The space's dimensions, with whether their range is logarithmic. */
  dimensions: Array<{ name: string; log: boolean }>;
  /** What each rung means, e.g. "6 epochs". */
  rungLabels: string[];
}) {
  const [dimension, setDimension] = useState(dimensions[0]?.name ?? "");
  const log = dimensions.find((d) => d.name === dimension)?.log ?? false;
  const rungs = [...new Set(trials.map((t) => t.rung))].sort((a, b) => a - b);
  const bestSoFar: Array<{ minutes: number; best: number }> = [];
  for (const t of [...trials].sort((a, b) => a.finishedMinutes - b.finishedMinutes)) {
    const best = Math.max(t.validationAccuracy, bestSoFar.at(-1)?.best ?? 0);
    bestSoFar.push({ minutes: Number(t.finishedMinutes.toFixed(2)), best });
  }
  const scores = trials.map((t) => t.validationAccuracy);
  const low = scores.length ? Math.max(0, Math.floor(Math.min(...scores) * 20) / 20) : 0;

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <figure className="min-w-0 space-y-2">
        <figcaption className="flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor="search-dimension" className="text-muted-foreground">
            Validation accuracy by
          </label>
          <select
            id="search-dimension"
            className="rounded-md border border-input bg-background px-2 py-1 text-sm"
            value={dimension}
            onChange={(event) => setDimension(event.target.value)}
          >
            {dimensions.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </figcaption>
        <div className="h-64 w-full" data-testid="search-scatter" role="img" aria-label={`Validation accuracy by ${dimension}, one colour per rung`}>
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
              <XAxis
                dataKey="x"
                type="number"
                name={dimension}
                scale={log ? "log" : "linear"}
                domain={["auto", "auto"]}
                fontSize={11}
                tickFormatter={(v: number) => (log ? v.toExponential(0) : String(Number(v.toPrecision(3))))}
              />
              <YAxis dataKey="y" type="number" name="validation" domain={[low, 1]} fontSize={11} width={48} tickFormatter={pct} />
              <Tooltip formatter={(v: unknown, name: unknown) => (name === "validation" ? pct(Number(v)) : String(v))} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {rungs.map((rung) => (
                <Scatter
                  key={rung}
                  name={rungLabels[rung] ?? `rung ${rung}`}
                  fill={RUNG_COLOURS[rung % RUNG_COLOURS.length]}
                  isAnimationActive={false}
                  data={trials
                    .filter((t) => t.rung === rung)
                    .map((t) => ({ x: numeric(t.hyperparameters[dimension]), y: t.validationAccuracy, trial: t.key }))
                    .filter((p) => Number.isFinite(p.x) && (!log || p.x > 0))}
                />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="min-w-0 space-y-2">
        <figcaption className="text-sm text-muted-foreground">Best validation accuracy so far, by minutes into the search</figcaption>
        <div className="h-64 w-full" data-testid="search-best-so-far" role="img" aria-label="Best validation accuracy so far over the search's time">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={bestSoFar} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" className="stroke-muted" />
              <XAxis dataKey="minutes" type="number" domain={[0, "dataMax"]} fontSize={11} unit=" min" />
              <YAxis domain={[low, 1]} fontSize={11} width={48} tickFormatter={pct} />
              <Tooltip formatter={(v: unknown) => pct(Number(v))} labelFormatter={(v: unknown) => `${v} min`} />
              <Line type="stepAfter" dataKey="best" name="best so far" stroke="#16a34a" dot={bestSoFar.length < 40} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
