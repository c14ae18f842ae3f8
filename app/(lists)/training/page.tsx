import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { TrainingDashboard } from "@/components/training/training-dashboard";
import { config } from "@/lib/config";
import { trainableTags } from "@/lib/data";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Training" };
export const dynamic = "force-dynamic";

export default async function TrainingPage() {
  const tags = await trainableTags(await getDb());
  return (
    <>
      <PageHeader
        title="Training"
        description="The pipeline trains logistic regression, a decision tree and a CNN on the training tag, evaluates them on kmnist-holdout and on every imported source's holdout, and promotes the best only when the paired test says it beats the champion."
      />
      <TrainingDashboard tags={tags} defaultTag={config().training.tag} />
    </>
  );
}
