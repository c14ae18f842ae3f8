import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { TrainingDashboard } from "@/components/training/training-dashboard";

export const metadata: Metadata = { title: "Training" };

export default function TrainingPage() {
  return (
    <>
      <PageHeader
        title="Training"
        description="The pipeline trains logistic regression, a decision tree and a CNN, evaluates them on kmnist-holdout and promotes the best only when it beats the champion by the configured margin."
      />
      <TrainingDashboard />
    </>
  );
}
