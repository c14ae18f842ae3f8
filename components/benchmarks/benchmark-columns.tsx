import Link from "next/link";
import { BenchmarkStatusBadge } from "@/components/benchmarks/status-badge";
import type { Column } from "@/components/data-table";
import { EstimateText } from "@/components/metrics/estimate";
import { Badge } from "@/components/ui/badge";
import { estimateOf, type BenchmarkRow } from "@/lib/benchmark";
import { formatCount, formatDateTime, formatEstimate } from "@/lib/format";

const decimal = (v: number | null) => v?.toFixed(4) ?? "—";
const link = "underline-offset-4 hover:underline";

/** The columns a table of benchmarks can show; pages pick theirs by key. */
export const BENCHMARK_COLUMNS = {
  id: {
    label: "#",
    cell: (r) => (
      <Link href={`/benchmarks/${r.id}`} className={`font-medium ${link}`}>
        {r.id}
      </Link>
    ),
  },
  idAndDate: {
    label: "Benchmark",
    cell: (r) => (
      <>
        <Link href={`/benchmarks/${r.id}`} className={link}>
          #{r.id}
        </Link>
        <div className="text-xs text-muted-foreground">{formatDateTime(r.createdAt)}</div>
      </>
    ),
  },
  status: { label: "Status", cell: (r) => <BenchmarkStatusBadge status={r.status} /> },
  model: { label: "Model", sort: "model", cell: (r) => `${r.model}@${r.version}` },
  /** The model's name leading to this benchmark, and its algorithm (the benchmarks list). */
  modelToBenchmark: {
    label: "Model",
    sort: "model",
    cell: (r) => (
      <>
        <Link href={`/benchmarks/${r.id}`} className={`font-medium ${link}`}>
          {r.model}@{r.version}
        </Link>{" "}
        <Badge variant="outline">{r.algorithm}</Badge>
      </>
    ),
  },
  modelPage: {
    label: "Best model",
    cell: (r) => (
      <Link href={`/models/${r.modelVersionId}`} className={`font-medium ${link}`}>
        {r.model}@{r.version}
      </Link>
    ),
  },
  algorithm: { label: "Algorithm", cell: (r) => <Badge variant="secondary">{r.algorithm}</Badge> },
  dataset: {
    label: "Dataset",
    className: "whitespace-nowrap",
    cell: (r) => (
      <>
        <Link href={`/datasets/${encodeURIComponent(r.tag)}`} className={link}>
          {r.tag}
        </Link>{" "}
        <span className="font-mono text-xs text-muted-foreground">{r.datasetHash.slice(0, 8)}</span>
      </>
    ),
  },
  /** The tag only, for compact tables. */
  tag: {
    label: "Dataset",
    cell: (r) => (
      <Link href={`/datasets/${encodeURIComponent(r.tag)}`} className={link}>
        {r.tag}
      </Link>
    ),
  },
  accuracy: { label: "Accuracy (95 %)", numeric: true, sort: "accuracy", cell: (r) => <EstimateText estimate={estimateOf(r)} stacked /> },
  macroF1: {
    label: "Macro F1",
    numeric: true,
    sort: "macro_f1",
    cell: (r) => (r.macroF1 === null ? "—" : <span className="whitespace-nowrap">{formatEstimate(r.macroF1, r.intervals?.macroF1, "score")}</span>),
  },
  macroAuc: { label: "Macro AUC", numeric: true, sort: "macro_auc", cell: (r) => decimal(r.macroAuc) },
  logLoss: { label: "Log loss", numeric: true, sort: "log_loss", cell: (r) => decimal(r.logLoss) },
  ece: { label: "ECE", numeric: true, sort: "ece", cell: (r) => decimal(r.ece) },
  throughput: { label: "Images/s", numeric: true, sort: "throughput", cell: (r) => (r.throughput === null ? "—" : formatCount(Math.round(r.throughput))) },
  created: { label: "Queued", sort: "created", className: "whitespace-nowrap", cell: (r) => formatDateTime(r.createdAt) },
  trigger: { label: "Trigger", cell: (r) => r.trigger.replace("_", " ") },
} satisfies Record<string, Column<BenchmarkRow>>;

export type BenchmarkColumnKey = keyof typeof BENCHMARK_COLUMNS;

export const benchmarkColumns = (...keys: BenchmarkColumnKey[]): Array<Column<BenchmarkRow>> => keys.map((key) => BENCHMARK_COLUMNS[key]);
