import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ClassBars } from "@/components/charts/class-bars";
import { Heatmap } from "@/components/charts/heatmap";
import { Histogram } from "@/components/charts/histogram";
import { TagEditor } from "@/components/datasets/tag-editor";
import { DriftBadge, DriftTable } from "@/components/monitoring/drift-report";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { currentUser } from "@/lib/auth";
import { config } from "@/lib/config";
import { IMAGE_FEATURES, isBuiltInTag, shares, sourceNames, tagWithVersions, versionLineage, versionStatistics, type VersionLineage } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";
import { pathTextOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { driftBetweenVersions, type VersionDrift } from "@/lib/monitoring";
import { objectStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ tag: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Dataset ${pathTextOrNull((await params).tag) ?? "not found"}` };
}

function NotEnoughData({ drift }: { drift: Extract<VersionDrift, { status: "not_enough_data" }> }) {
  return (
    <Badge variant="outline" title={`${drift.current} records against ${drift.reference}; drift needs at least ${drift.minimum} on each side`}>
      not enough data
    </Badge>
  );
}

/** Links from a version to what came of it: models trained on it (and their pipeline runs), its benchmarks. */
function VersionUses({ versionId, uses }: { versionId: number; uses: VersionLineage | undefined }) {
  if (!uses || (uses.trainedModels.length === 0 && uses.benchmarks === 0 && uses.pipelineRuns.length === 0))
    return <span className="text-muted-foreground">—</span>;
  return (
    <>
      {uses.trainedModels.length > 0 && (
        <span className="block">
          trained{" "}
          {uses.trainedModels.map((m, i) => (
            <span key={m.id}>
              {i > 0 && ", "}
              <Link href={`/models/${m.id}`} className="underline underline-offset-4">
                {m.label}
              </Link>
            </span>
          ))}
        </span>
      )}
      {uses.pipelineRuns.length > 0 && (
        <Link href="/training" className="block underline underline-offset-4">
          pipeline run{uses.pipelineRuns.length === 1 ? "" : "s"} {uses.pipelineRuns.map((id) => `#${id}`).join(", ")}
        </Link>
      )}
      {uses.benchmarks > 0 && (
        <Link href={`/benchmarks?datasetVersionId=${versionId}`} className="block underline underline-offset-4">
          {formatCount(uses.benchmarks)} benchmark{uses.benchmarks === 1 ? "" : "s"}
        </Link>
      )}
    </>
  );
}

export default async function DatasetPage({ params }: Params) {
  const name = pathTextOrNull((await params).tag);
  const tag = name ? await tagWithVersions(await getDb(), name) : null;
  if (!tag) notFound();
  const [latest, ...older] = tag.versions;
  const minimum = config().monitoring.minWindow;
  const [stats, drift] = latest
    ? await Promise.all([versionStatistics(objectStore(), latest), driftBetweenVersions(objectStore(), tag.versions, minimum)])
    : [null, new Map()];
  const lineage = await versionLineage(
    await getDb(),
    tag.versions.map((v) => v.id),
  );
  const editable = (await currentUser())?.role === "admin" && !isBuiltInTag(tag.name);
  const sources = editable ? await sourceNames(await getDb()) : [];
  const latestDrift = latest ? drift.get(latest.id) : undefined;
  const shown = tag.versions.slice(0, 3);

  return (
    <>
      <PageHeader title={tag.name} description={tag.description || "A saved query over dataset records."}>
        <Link href="/datasets" className="text-sm underline-offset-4 hover:underline">
          All datasets
        </Link>
      </PageHeader>
      <p className="mb-6 text-sm text-muted-foreground">
        Query: <code className="rounded bg-muted px-1">{JSON.stringify(tag.query)}</code>
        {tag.archived && (
          <Badge variant="outline" className="ml-2">
            archived
          </Badge>
        )}
      </p>
      {editable && (
        <details className="mb-6 rounded-xl border p-4" data-testid="tag-edit">
          <summary className="cursor-pointer font-medium">Edit this tag</summary>
          <div className="mt-3">
            <TagEditor
              sources={sources}
              tag={{ name: tag.name, description: tag.description, query: tag.query, followedByAll: tag.followedByAll, archived: tag.archived }}
            />
          </div>
        </details>
      )}
      {!latest || !stats ? (
        <EmptyState title="No version yet">The tag has not been resolved: its query matched no records when it was last used.</EmptyState>
      ) : (
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Versions</CardTitle>
              <CardDescription>
                Newest first. Drift: each of the newest {drift.size || 6} versions against the version before it (details below).
              </CardDescription>
            </CardHeader>
            <CardContent className="overflow-x-auto">
              <Table data-testid="dataset-versions">
                <TableHeader>
                  <TableRow>
                    <TableHead>Created</TableHead>
                    <TableHead>Version</TableHead>
                    <TableHead className="text-right">Records</TableHead>
                    <TableHead>Protocol</TableHead>
                    <TableHead>Drift</TableHead>
                    <TableHead className="text-right">Max PSI</TableHead>
                    <TableHead>Used by</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {tag.versions.map((v) => {
                    const report = drift.get(v.id);
                    return (
                      <TableRow key={v.id} id={`version-${v.id}`} className="target:bg-amber-50">
                        <TableCell className="whitespace-nowrap">{formatDateTime(v.createdAt)}</TableCell>
                        <TableCell className="font-mono text-xs">{v.contentHash.slice(0, 12)}</TableCell>
                        <TableCell className="text-right tabular-nums">{formatCount(v.recordCount)}</TableCell>
                        <TableCell>
                          <Badge variant="secondary">{v.protocol}</Badge>
                        </TableCell>
                        <TableCell>
                          {report?.status === "ok" ? (
                            <DriftBadge report={report.report} />
                          ) : report ? (
                            <NotEnoughData drift={report} />
                          ) : (
                            <span className="text-muted-foreground">—</span>
                          )}
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{report?.status === "ok" ? report.report.maxPsi.toFixed(4) : "—"}</TableCell>
                        <TableCell className="min-w-48 text-xs whitespace-normal" data-testid="version-lineage">
                          <VersionUses versionId={v.id} uses={lineage.get(v.id)} />
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle className="flex items-center gap-2">
                Drift from the previous version {latestDrift?.status === "ok" && <DriftBadge report={latestDrift.report} />}
              </CardTitle>
              <CardDescription>
                KL divergence, Hellinger distance and PSI between the newest version&apos;s feature histograms and the previous version&apos;s, with the average
                pairwise distance of sampled feature vectors. The same measures watch live inputs on the monitoring page. Computed only with at least{" "}
                {formatCount(minimum)} records on each side (DRIFT_MIN_WINDOW): below that, PSI mostly measures sampling noise.
              </CardDescription>
            </CardHeader>
            <CardContent>
              {latestDrift?.status === "ok" ? (
                <DriftTable report={latestDrift.report} />
              ) : latestDrift ? (
                <p className="text-sm text-muted-foreground" data-testid="drift-not-enough-data">
                  Not enough data: {formatCount(latestDrift.current)} records against {formatCount(latestDrift.reference)}; drift needs at least{" "}
                  {formatCount(latestDrift.minimum)} on each side.
                </p>
              ) : (
                <p className="text-sm text-muted-foreground">This tag has a single version, so there is nothing to compare it with yet.</p>
              )}
            </CardContent>
          </Card>

          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Class distribution</CardTitle>
                <CardDescription>Share of each class in the newest {shown.length === 1 ? "version" : `${shown.length} versions`}.</CardDescription>
              </CardHeader>
              <CardContent>
                <ClassBars
                  classes={KMNIST_CLASSES.map((c) => c.char)}
                  series={shown.map((v) => ({ name: v.contentHash.slice(0, 8), values: shares(v.classCounts) }))}
                  yDomain={[0, Math.max(0.2, ...shown.flatMap((v) => shares(v.classCounts)))]}
                />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Mean image per class</CardTitle>
                <CardDescription>
                  Newest version, {formatCount(stats.count)} images{older.length ? `; ${older.length} older version${older.length === 1 ? "" : "s"}` : ""}.
                </CardDescription>
              </CardHeader>
              <CardContent className="flex flex-wrap gap-3" data-testid="mean-images">
                {stats.meanImages.map((values, c) => (
                  <figure key={c} className="text-center">
                    <Heatmap values={values} diverging={false} label={`mean image of ${KMNIST_CLASSES[c].char}`} size={64} />
                    <figcaption className="text-lg">{KMNIST_CLASSES[c].char}</figcaption>
                  </figure>
                ))}
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Pixel intensity</CardTitle>
                <CardDescription>Non-background pixels of the newest version by value ({IMAGE_FEATURES.intensity.bins} bins of 0-255).</CardDescription>
              </CardHeader>
              <CardContent>
                <Histogram
                  label="Pixel intensity histogram"
                  labels={stats.intensityHistogram.map((_, i) => String(Math.round((i * IMAGE_FEATURES.intensity.max) / IMAGE_FEATURES.intensity.bins)))}
                  counts={stats.intensityHistogram}
                />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Ink mass</CardTitle>
                <CardDescription>
                  Images by total ink, in pixels of full intensity ({IMAGE_FEATURES.inkMass.bins} bins up to {IMAGE_FEATURES.inkMass.max}, the last holding
                  more).
                </CardDescription>
              </CardHeader>
              <CardContent>
                <Histogram
                  label="Ink mass histogram"
                  labels={stats.inkMassHistogram.map((_, i) => String(Math.round((i * IMAGE_FEATURES.inkMass.max) / IMAGE_FEATURES.inkMass.bins)))}
                  counts={stats.inkMassHistogram}
                />
              </CardContent>
            </Card>
          </div>
        </div>
      )}
    </>
  );
}
