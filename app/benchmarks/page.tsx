import type { Metadata } from "next";
import { NotYetAvailable } from "@/components/not-yet-available";

export const metadata: Metadata = { title: "Benchmarks" };

export default function BenchmarksPage() {
  return (
    <NotYetAvailable
      title="Benchmarks"
      description="Every model version evaluated on every version of the dataset tag it follows."
      planned={["Benchmark runs with status and metrics", "Confusion matrices, ROC/AUC, calibration", "CSV and JSON export"]}
    />
  );
}
