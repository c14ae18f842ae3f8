import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/table-controls";
import { CELL_PAGE_SIZE, confusionCell, getBenchmark } from "@/lib/benchmark";
import { getDb } from "@/lib/db";
import { formatCount, formatPercent } from "@/lib/format";
import { rowIdOrNull } from "@/lib/http";
import { KMNIST_CLASSES } from "@/lib/kmnist";
import { objectStore } from "@/lib/storage";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** A class from the query string (0-9), or null. */
function classParam(raw: string | string[] | undefined): number | null {
  return typeof raw === "string" && /^[0-9]$/.test(raw) ? Number(raw) : null;
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const [actual, predicted] = [classParam(query.actual), classParam(query.predicted)];
  return {
    title: actual !== null && predicted !== null ? `Benchmark ${id}: ${KMNIST_CLASSES[actual].char} → ${KMNIST_CLASSES[predicted].char}` : `Benchmark ${id}`,
  };
}

/** The error-analysis view: the images of one confusion cell, as the model saw them, with its top-3 answers. */
export default async function ConfusionCellPage({ params, searchParams }: Props) {
  const [{ id: rawId }, query] = await Promise.all([params, searchParams]);
  const id = rowIdOrNull(rawId);
  const [actual, predicted] = [classParam(query.actual), classParam(query.predicted)];
  const page = rowIdOrNull(typeof query.page === "string" ? query.page : "1") ?? 1;
  const db = await getDb();
  const detail = id === null ? null : await getBenchmark(db, id);
  if (!detail || id === null) notFound();
  const back = (
    <Link href={`/benchmarks/${id}`} className="underline-offset-4 hover:underline">
      Back to benchmark {id}
    </Link>
  );
  if (actual === null || predicted === null) {
    return (
      <>
        <PageHeader title={`Benchmark ${id}: a confusion cell`} />
        <EmptyState title="Which cell?">Pick a cell of the confusion matrix on the benchmark page: `actual` and `predicted` are classes 0-9. {back}</EmptyState>
      </>
    );
  }
  const cell = await confusionCell(db, objectStore(), id, { actual, predicted, page });
  const [a, p] = [KMNIST_CLASSES[actual], KMNIST_CLASSES[predicted]];
  const title = actual === predicted ? `${a.char} read correctly` : `${a.char} read as ${p.char}`;

  return (
    <>
      <PageHeader
        title={`${detail.model}@${detail.version}: ${title}`}
        description={`Benchmark ${id} on ${detail.tag} ${detail.datasetHash.slice(0, 12)}: true class ${a.char}, predicted ${p.char}.`}
      />
      <div className="mb-4 flex flex-wrap gap-4 text-sm">
        {back}
        <Link href={`/models/${detail.modelVersionId}`} className="underline-offset-4 hover:underline">
          Model {detail.model}@{detail.version}
        </Link>
        <Link href={`/datasets/${encodeURIComponent(detail.tag)}`} className="underline-offset-4 hover:underline">
          Dataset {detail.tag}
        </Link>
      </div>
      {!cell ? (
        <EmptyState title="Not finished">This benchmark has not finished, so it has no confusion matrix yet. {back}</EmptyState>
      ) : cell.status === "no_predictions" ? (
        <EmptyState title="No per-image predictions stored">
          This benchmark ran before per-image predictions were kept. Run it again from its benchmark page to see the images of each cell.
        </EmptyState>
      ) : cell.total === 0 ? (
        <EmptyState title="This cell is empty">
          No image of {a.char} was predicted as {p.char}.
        </EmptyState>
      ) : (
        <>
          <p className="mb-3 text-sm text-muted-foreground" data-testid="cell-count">
            {formatCount(cell.total)} image{cell.total === 1 ? "" : "s"}
            {cell.pages > 1 ? `; ${CELL_PAGE_SIZE} a page` : ""}. Each shows the 28x28 input the model saw and its three most probable classes.
          </p>
          <ul className="grid grid-cols-[repeat(auto-fill,minmax(7.5rem,1fr))] gap-3" data-testid="cell-images">
            {cell.images.map((image) => (
              <li key={image.index} className="rounded-lg border p-2 text-center text-xs">
                {/* eslint-disable-next-line @next/next/no-img-element -- a 28x28 data URL: nothing for next/image to optimise */}
                <img src={image.png} alt={`image ${image.index}: ${a.char}`} width={84} height={84} className="mx-auto [image-rendering:pixelated]" />
                <div className="mt-1 text-muted-foreground">#{image.index}</div>
                <ol className="mt-1 space-y-0.5">
                  {image.top.map((t, rank) => (
                    <li
                      key={rank}
                      className={
                        t.label === actual ? "font-semibold text-emerald-700 dark:text-emerald-300" : rank === 0 ? "text-red-700 dark:text-red-300" : ""
                      }
                    >
                      <span className="text-sm">{KMNIST_CLASSES[t.label].char}</span> {formatPercent(t.probability, 1)}
                    </li>
                  ))}
                </ol>
              </li>
            ))}
          </ul>
          {cell.pages > 1 && (
            <div>
              <Pagination base={`/benchmarks/${id}/cell`} query={{ actual, predicted }} page={cell.page} pages={cell.pages} total={cell.total} noun="image" />
            </div>
          )}
        </>
      )}
    </>
  );
}
