import type { Metadata } from "next";
import Link from "next/link";
import { ClassBars } from "@/components/charts/class-bars";
import { Heatmap } from "@/components/charts/heatmap";
import { TimeSeries } from "@/components/charts/time-series";
import { EstimateText } from "@/components/metrics/estimate";
import { DriftLevelBadge, DriftTable } from "@/components/monitoring/drift-report";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { config } from "@/lib/config";
import { shares } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime, formatPercent } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { accuracyEstimate } from "@/lib/metrics";
import { monitoringSummary } from "@/lib/monitoring";

export const metadata: Metadata = { title: "Monitoring" };
export const dynamic = "force-dynamic";

export default async function MonitoringPage() {
  const summary = await monitoringSummary(await getDb());
  const { thresholds, minWindow, sampleRate } = config().monitoring;
  const latest = summary.drift.at(-1);
  const totalFeedback = summary.feedback.reduce((a, d) => ({ confirmed: a.confirmed + d.confirmed, corrected: a.corrected + d.corrected }), {
    confirmed: 0,
    corrected: 0,
  });
  const answered = totalFeedback.confirmed + totalFeedback.corrected;

  return (
    <>
      <PageHeader
        title="Monitoring"
        description={`Live predictions (${sampleRate === 1 ? "all" : `${Math.round(sampleRate * 100)}%`} recorded), people's feedback, and drift of live inputs from the champion's training data.`}
      />
      <section aria-label="Totals" className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {[
          ["predictions, last 48 h", formatCount(summary.totals.predictions), "monitoring-predictions"],
          [
            summary.totals.noneOfThese ? `feedback given (${formatCount(summary.totals.noneOfThese)} "none of these")` : "feedback given",
            formatCount(summary.totals.feedback),
            "monitoring-feedback",
          ],
          ["feedback awaiting ingestion", formatCount(summary.totals.pendingFeedback), "monitoring-pending"],
          ["awaiting review", formatCount(summary.totals.awaitingReview), "monitoring-review"],
          ["rejected in review", formatCount(summary.totals.rejectedFeedback), "monitoring-rejected"],
          ["latest drift check", latest ? latest.level : "none yet", "monitoring-drift-level"],
        ].map(([label, value, testId]) => (
          <div key={label} className="rounded-xl border bg-card p-4">
            <div className="text-2xl font-semibold tabular-nums" data-testid={testId}>
              {value}
            </div>
            <div className="text-xs text-muted-foreground">{label}</div>
          </div>
        ))}
      </section>

      {latest?.level === "drift" && (
        <p role="alert" className="mb-6 rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          Live inputs have drifted from the champion&apos;s training data (window ending {formatDateTime(latest.windowEnd)}: max PSI {latest.maxPsi.toFixed(2)},
          pairwise distance {latest.pairwiseDistance.toFixed(3)}). Consider collecting labelled examples of the new inputs and retraining.
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Volume and latency</CardTitle>
            <CardDescription>Recorded predictions per hour; median and 95th-percentile latency (ms, right axis).</CardDescription>
          </CardHeader>
          <CardContent>
            {summary.volume.length === 0 ? (
              <p className="text-sm text-muted-foreground">No predictions recorded in the last {summary.hours} hours.</p>
            ) : (
              <TimeSeries
                label="Predictions per hour and latency"
                testId="volume-chart"
                digits={0}
                data={summary.volume}
                series={[
                  { key: "count", name: "predictions", colour: "#94a3b8", kind: "bar" },
                  { key: "p50", name: "p50 ms", colour: "#2563eb", right: true },
                  { key: "p95", name: "p95 ms", colour: "#dc2626", right: true },
                ]}
              />
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Predicted classes vs training</CardTitle>
            <CardDescription>
              Share of each class among the champion&apos;s live answers (last {summary.hours} h) and in its training data
              {summary.champion ? ` (${summary.champion.name}@${summary.champion.version})` : ""}.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {summary.predictedCounts.every((n) => n === 0) ? (
              <p className="text-sm text-muted-foreground">No recorded answers from the champion yet.</p>
            ) : (
              <ClassBars
                classes={KMNIST_CLASSES.map((c) => c.char)}
                series={[
                  { name: "live", values: shares(summary.predictedCounts) },
                  ...(summary.trainingCounts ? [{ name: "training", values: shares(summary.trainingCounts) }] : []),
                ]}
                yDomain={[0, Math.max(0.2, ...shares(summary.predictedCounts))]}
              />
            )}
          </CardContent>
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle className="flex items-center gap-2">Drift over time {latest && <DriftLevelBadge level={latest.level} />}</CardTitle>
            <CardDescription>
              Each check compares the champion&apos;s newest inputs (at least {minWindow}) with its training data: the largest PSI over the features and the
              average pairwise distance, against their thresholds. The monitoring job runs every few minutes.
            </CardDescription>
          </CardHeader>
          <CardContent className="space-y-6">
            {summary.drift.length === 0 ? (
              <EmptyState title="No drift check yet">A check runs once {minWindow} recorded predictions have come in since the last one.</EmptyState>
            ) : (
              <>
                <TimeSeries
                  label="Drift measures over time"
                  testId="drift-chart"
                  data={summary.drift.map((d) => ({ at: new Date(d.windowEnd).getTime(), maxPsi: d.maxPsi, pairwise: d.pairwiseDistance }))}
                  series={[
                    { key: "maxPsi", name: "max PSI", colour: "#2563eb" },
                    { key: "pairwise", name: "pairwise distance", colour: "#9333ea" },
                  ]}
                  thresholds={[
                    { value: thresholds.psi, label: `PSI ${thresholds.psi}` },
                    { value: thresholds.averagePairwiseDistance, label: `pairwise ${thresholds.averagePairwiseDistance}` },
                  ]}
                />
                {latest && (
                  <div>
                    <h3 className="mb-2 text-sm font-medium">
                      Latest check: {formatCount(latest.sampleCount)} inputs, {formatDateTime(latest.windowStart)} – {formatDateTime(latest.windowEnd)}
                    </h3>
                    <DriftTable
                      report={{ features: latest.features, maxPsi: latest.maxPsi, averagePairwiseDistance: latest.pairwiseDistance }}
                      thresholds={thresholds}
                    />
                  </div>
                )}
              </>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Live accuracy from feedback</CardTitle>
            <CardDescription>
              Share of predictions people confirmed, among those they confirmed or corrected, per day
              {answered > 0 ? (
                <>
                  ; overall <EstimateText estimate={accuracyEstimate(totalFeedback.confirmed / answered, answered)} />
                </>
              ) : (
                ""
              )}
              . People choose what they answer: this is not an unbiased accuracy.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {summary.feedback.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                No feedback yet. On the{" "}
                <Link href="/" className="underline">
                  predict page
                </Link>
                , say whether a prediction was right.
              </p>
            ) : (
              <TimeSeries
                label="Live accuracy per day"
                testId="feedback-chart"
                data={summary.feedback}
                yDomain={[0, 1]}
                series={[{ key: "accuracy", name: "live accuracy", colour: "#16a34a" }]}
              />
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Recent low-confidence predictions</CardTitle>
            <CardDescription>Inputs the model was least sure about (top probability below 60%), newest first, as the model saw them.</CardDescription>
          </CardHeader>
          <CardContent>
            {summary.lowConfidence.length === 0 ? (
              <p className="text-sm text-muted-foreground">None recorded.</p>
            ) : (
              <ul className="grid grid-cols-3 gap-3 sm:grid-cols-4" data-testid="low-confidence">
                {summary.lowConfidence.map((p) => (
                  <li key={p.id} className="text-center text-xs">
                    <Heatmap values={p.input} diverging={false} label={`input predicted as ${KMNIST_CLASSES[p.predicted].char}`} size={56} />
                    <div className="mt-1">
                      <span className="text-base">{KMNIST_CLASSES[p.predicted].char}</span> {formatPercent(p.confidence, 0)}
                      {p.feedbackLabel !== null && p.feedbackLabel !== p.predicted && (
                        <span className="text-destructive"> → {KMNIST_CLASSES[p.feedbackLabel].char}</span>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
