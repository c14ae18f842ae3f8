import Link from "next/link";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import type { Column } from "@/components/data-table";
import { EstimateText } from "@/components/metrics/estimate";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";
import type { ModelVersionRow } from "@/lib/registry";

const link = "underline-offset-4 hover:underline";
const status = (value: ModelVersionRow["benchmarkStatus"], none: string) =>
  value ? <BenchmarkStatusBadge status={value} /> : <span className="text-muted-foreground">{none}</span>;

/** The columns a table of model versions can show; pages pick theirs by key. */
export const MODEL_COLUMNS = {
  name: {
    label: "Model",
    sort: "name",
    className: "font-medium",
    cell: (v) => (
      <>
        <Link href={`/models/${v.id}`} className={link}>
          {v.name}@{v.version}
        </Link>{" "}
        {v.aliases.map((alias) => (
          <Badge key={alias} className="ml-1">
            {alias}
          </Badge>
        ))}
        {v.archived && (
          <Badge variant="warning" className="ml-1">
            archived
          </Badge>
        )}
      </>
    ),
  },
  /** The name with algorithm, author and date beneath it (compact tables). */
  summary: {
    label: "Model",
    cell: (v) => (
      <>
        <Link href={`/models/${v.id}`} className={`font-medium ${link}`}>
          {v.name}@{v.version}
        </Link>
        <div className="text-xs text-muted-foreground">
          {v.algorithm} · {v.author} · {formatDateTime(v.createdAt)}
        </div>
      </>
    ),
  },
  algorithm: { label: "Algorithm", sort: "algorithm", cell: (v) => <Badge variant="secondary">{v.algorithm}</Badge> },
  author: { label: "Author", sort: "author", cell: (v) => v.author },
  tag: { label: "Dataset tag", sort: "tag", cell: (v) => v.datasetTag },
  /** Accuracy on the newest version of the model's primary tag: never a best over tags. */
  accuracy: {
    label: "Accuracy (primary tag)",
    sort: "accuracy",
    numeric: true,
    cell: (v) =>
      v.headline ? (
        <Link href={`/benchmarks/${v.headline.benchmarkId}`} className={link} title={`On ${v.datasetTag} ${v.headline.datasetHash.slice(0, 8)}`}>
          <EstimateText estimate={v.headline.accuracy} stacked />
        </Link>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  },
  created: { label: "Created", sort: "created", className: "whitespace-nowrap", cell: (v) => formatDateTime(v.createdAt) },
  benchmark: { label: "Benchmark", cell: (v) => status(v.benchmarkStatus, "none yet") },
  explanation: { label: "Explanation", cell: (v) => status(v.explanationStatus, "—") },
} satisfies Record<string, Column<ModelVersionRow>>;

export type ModelColumnKey = keyof typeof MODEL_COLUMNS;

export const modelColumns = (...keys: ModelColumnKey[]): Array<Column<ModelVersionRow>> => keys.map((key) => MODEL_COLUMNS[key]);
