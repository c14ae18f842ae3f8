import type { Metadata } from "next";
import { NotYetAvailable } from "@/components/not-yet-available";

export const metadata: Metadata = { title: "Monitoring" };

export default function MonitoringPage() {
  return (
    <NotYetAvailable
      title="Monitoring"
      description="Live predictions, feedback and drift of inputs against the champion's training data."
      planned={["Prediction volume and latency over time", "Drift measures (KL, Hellinger, PSI) with thresholds", "Live accuracy from user feedback"]}
    />
  );
}
