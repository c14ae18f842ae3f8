import Link from "next/link";
import { EmptyState } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatCount, formatDateTime, formatPercent } from "@/lib/format";
import type { Overview } from "@/lib/overview";

/** The version that answers predictions, with the headline figures of its newest benchmark. */
export function ChampionCard({ champion }: { champion: Overview["champion"] }) {
  const headline = champion?.benchmark;
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
                  ["Accuracy", headline.accuracy === null ? "—" : formatPercent(headline.accuracy), "champion-accuracy"],
                  ["Macro F1", headline.macroF1?.toFixed(4) ?? "—", "champion-macro-f1"],
                  ["Log loss", headline.logLoss?.toFixed(4) ?? "—", "champion-log-loss"],
                  ["Macro AUC", headline.macroAuc?.toFixed(4) ?? "—", "champion-macro-auc"],
                ].map(([label, value, testId]) => (
                  <div key={label} className="rounded-lg bg-muted px-3 py-2">
                    <dt className="text-xs text-muted-foreground">{label}</dt>
                    <dd className="text-lg font-semibold tabular-nums" data-testid={testId}>
                      {value}
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
                on {headline.tag} ({headline.datasetHash.slice(0, 12)}, {formatCount(headline.sampleCount ?? 0)} images), finished{" "}
                {headline.finishedAt ? formatDateTime(headline.finishedAt) : "—"}.
              </p>
            )}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
