import type { Metadata } from "next";
import Link from "next/link";
import { TagEditor } from "@/components/datasets/tag-editor";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { currentUser } from "@/lib/auth";
import { listTags, sourceNames } from "@/lib/data";
import { getDb } from "@/lib/db";
import { formatCount, formatDateTime } from "@/lib/format";
import { KMNIST_CLASSES } from "@/lib/kmnist";

export const metadata: Metadata = { title: "Datasets" };
export const dynamic = "force-dynamic";

export default async function DatasetsPage() {
  const db = await getDb();
  const [tags, user] = await Promise.all([listTags(db), currentUser()]);
  const sources = user?.role === "admin" ? await sourceNames(db) : [];
  return (
    <>
      <PageHeader
        title="Datasets"
        description="Dataset tags are saved queries over records; each resolution with new members creates an immutable, content-hashed version."
      />
      {user?.role === "admin" && sources.length > 0 && (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>New tag</CardTitle>
            <CardDescription>
              A saved query over sources, split, classes and time. Models follow it from their page; its first version is made when it is used.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <TagEditor sources={sources} />
          </CardContent>
        </Card>
      )}
      {tags.length === 0 ? (
        <EmptyState title="No dataset tags yet">Start the app or run a training; both import KMNIST and create the default tags.</EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {tags.map((tag) => (
            <Card key={tag.name} data-testid={`tag-${tag.name}`}>
              <CardHeader>
                <CardTitle className="flex items-center gap-2">
                  <Link href={`/datasets/${encodeURIComponent(tag.name)}`} className="underline-offset-4 hover:underline">
                    {tag.name}
                  </Link>
                  {tag.latest && <Badge variant="secondary">{tag.latest.protocol} protocol</Badge>}
                </CardTitle>
                <CardDescription>{tag.description}</CardDescription>
              </CardHeader>
              <CardContent className="space-y-3 text-sm">
                {tag.latest ? (
                  <>
                    <dl className="grid grid-cols-2 gap-y-1">
                      <dt className="text-muted-foreground">Records</dt>
                      <dd className="tabular-nums" data-testid="record-count">
                        {formatCount(tag.latest.recordCount)}
                      </dd>
                      <dt className="text-muted-foreground">Versions</dt>
                      <dd className="tabular-nums">{tag.versions}</dd>
                      <dt className="text-muted-foreground">Latest version</dt>
                      <dd className="font-mono text-xs" title={tag.latest.contentHash}>
                        {tag.latest.contentHash.slice(0, 12)}
                      </dd>
                      <dt className="text-muted-foreground">Created</dt>
                      <dd>{formatDateTime(tag.latest.createdAt)}</dd>
                    </dl>
                    <div>
                      <p className="mb-1 text-muted-foreground">Records per class</p>
                      <div className="grid grid-cols-5 gap-1 sm:grid-cols-10">
                        {KMNIST_CLASSES.map(({ label, char }) => (
                          <div key={label} className="rounded-md bg-muted px-1 py-1 text-center">
                            <div className="text-lg leading-none">{char}</div>
                            <div className="mt-1 text-xs text-muted-foreground tabular-nums">{tag.latest!.classCounts[label]}</div>
                          </div>
                        ))}
                      </div>
                    </div>
                  </>
                ) : (
                  <p className="text-muted-foreground">Not resolved yet: no version exists.</p>
                )}
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
