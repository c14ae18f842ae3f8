import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { formatPercent } from "@/lib/format";
import { listModelVersions } from "@/lib/registry";

export const metadata: Metadata = { title: "Predict" };
export const dynamic = "force-dynamic";

export default async function PredictPage() {
  const versions = await listModelVersions(await getDb(), 100);
  // Newest version per model name; the list is ordered newest first.
  const latest = versions.filter((v, i) => versions.findIndex((w) => w.name === v.name) === i);
  return (
    <>
      <PageHeader title="Predict" description="Draw a classical hiragana character or upload an image, and see what the models read." />
      <EmptyState title="The drawing canvas and upload arrive with the prediction API">
        The models below are trained and registered; the page will use the champion to predict.
      </EmptyState>
      <h2 className="mt-8 mb-3 text-lg font-semibold">Models ready to serve</h2>
      {latest.length === 0 ? (
        <p className="text-sm text-muted-foreground">None yet: start the app (it trains the initial models) or run a training.</p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {latest.map((v) => (
            <Card key={v.id} data-testid="ready-model">
              <CardHeader>
                <CardTitle className="flex items-center gap-2">
                  {v.name}@{v.version} <Badge variant="secondary">{v.algorithm}</Badge>
                </CardTitle>
                <CardDescription>
                  by {v.author} on {v.datasetTag}
                </CardDescription>
              </CardHeader>
              <CardContent>
                <p className="text-3xl font-semibold tabular-nums">{v.holdoutAccuracy === null ? "—" : formatPercent(v.holdoutAccuracy)}</p>
                <p className="text-sm text-muted-foreground">holdout accuracy</p>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
