import Link from "next/link";
import { EstimateText, SmallSampleBadge } from "@/components/metrics/estimate";
import { EmptyState } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { estimateOf, isSmallSample } from "@/lib/benchmark";
import { formatDateTime, formatFigure, formatSampleSize, formatSpread } from "@/lib/format";
import type { Interval } from "@/lib/metrics";
import type { Overview } from "@/lib/overview";

/** [main figure, its spread] */
const split = (value: number | null | undefined, interval: Interval | null | undefined, kind: "percent" | "score"): [string, string] =>
  value === null || value === undefined ? ["—", ""] : [formatFigure(value, kind), formatSpread(value, interval, kind)];

/** The version that answers predictions, with the headline figures (its primary tag's newest benchmark) and the other tags apart. */
export function ChampionCard({ champion }: { champion: Overview["champion"] }) {
  const headline = champion?.benchmark;
  const accuracy = headline ? estimateOf(headline) : null;
  return (
    <Card className="lg:col-span-2" data-testid="champion">
      <CardHeader>
        <CardTitle>Champion</CardTitle>
        <CardDescription>
          {champion
            ? champion.aliased
              ? "The version the champion alias points at; predictions use it."
              : "No promotion yet: the version with the best holdout accuracy answers predictions."
            : "No model is registered yet."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {!champion ? (
          <EmptyState title="No champion">Start the app or run `npm run train`: the pipeline trains three models and promotes the best.</EmptyState>
        ) : (
          <div className="space-y-3">
            <p className="text-lg font-medium">
              <Link href={`/models/${champion.model.id}`} className="underline-offset-4 hover:underline" data-testid="champion-link">
                {champion.model.name}@{champion.model.version}
              </Link>{" "}
              <Badge variant="secondary">{champion.model.algorithm}</Badge>
            </p>
            {headline ? (
              <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                {[
                  ["Accuracy", split(accuracy?.value, accuracy?.interval, "percent"), "champion-accuracy"] as const,
                  ["Macro F1", split(headline.macroF1, headline.intervals?.macroF1, "score"), "champion-macro-f1"] as const,
                  ["Log loss", split(headline.logLoss, headline.intervals?.logLoss, "score"), "champion-log-loss"] as const,
                  ["Macro AUC", split(headline.macroAuc, headline.intervals?.macroAuc, "score"), "champion-macro-auc"] as const,
                ].map(([label, [value, spread], testId]) => (
                  <div key={label} className="rounded-lg bg-muted px-3 py-2">
                    <dt className="text-xs text-muted-foreground">{label}</dt>
                    <dd className="tabular-nums" data-testid={testId}>
                      <span className="text-lg font-semibold">{value}</span>{" "}
                      {spread && <span className="text-sm whitespace-nowrap text-muted-foreground">{spread}</span>}
                    </dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="text-sm text-muted-foreground">Not benchmarked yet: its figures appear once its first benchmark finishes.</p>
            )}
            {headline && (
              <p className="text-xs text-muted-foreground">
                From{" "}
                <Link href={`/benchmarks/${headline.id}`} className="underline underline-offset-4">
                  benchmark {headline.id}
                </Link>{" "}
                on its primary tag {headline.tag} ({headline.datasetHash.slice(0, 12)}, {formatSampleSize(headline.sampleCount ?? 0)}), finished{" "}
                {headline.finishedAt ? formatDateTime(headline.finishedAt) : "—"}. Intervals are 95 %.
                {headline.sampleCount !== null && isSmallSample(headline.sampleCount) && (
                  <span className="ml-1">
                    <SmallSampleBadge n={headline.sampleCount} />
                  </span>
                )}
              </p>
            )}
            {champion.otherTags.length > 0 && (
              <div className="border-t pt-3" data-testid="champion-other-tags">
                <h3 className="mb-1 text-xs font-medium text-muted-foreground">Other tags (not the headline)</h3>
                <ul className="space-y-1 text-sm">
                  {champion.otherTags.map((row) => (
                    <li key={row.id} className="flex flex-wrap items-center gap-x-2">
                      <Link href={`/benchmarks/${row.id}`} className="underline-offset-4 hover:underline">
                        {row.tag}
                      </Link>
                      <EstimateText estimate={estimateOf(row)} />
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
