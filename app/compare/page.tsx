import type { Metadata } from "next";
import { NotYetAvailable } from "@/components/not-yet-available";

export const metadata: Metadata = { title: "Compare" };

export default function ComparePage() {
  return (
    <NotYetAvailable
      title="Compare"
      description="Side-by-side comparison of 2 to 6 model versions."
      planned={["Metric table with the best values highlighted", "Overlaid ROC curves and per-class F1", "Confusion-matrix differences"]}
    />
  );
}
