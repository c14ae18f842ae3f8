import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { SearchForm } from "@/components/training/search-form";
import { SearchList } from "@/components/training/search-list";
import { TrainingDashboard } from "@/components/training/training-dashboard";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { currentUser } from "@/lib/auth";
import { config } from "@/lib/config";
import { trainableTags } from "@/lib/data";
import { getDb } from "@/lib/db";
import { listSearches } from "@/lib/pipeline";

export const metadata: Metadata = { title: "Training" };
export const dynamic = "force-dynamic";

export default async function TrainingPage() {
  const db = await getDb();
  const [tags, searches, user] = await Promise.all([trainableTags(db), listSearches(db), currentUser()]);
  return (
    <>
      <PageHeader
        title="Training"
        description="The pipeline trains logistic regression, a decision tree and a CNN on the training tag, evaluates them on kmnist-holdout and on every imported source's holdout, and promotes the best only when the paired test says it beats the champion."
      />
      <TrainingDashboard tags={tags} defaultTag={config().training.tag} />
      <Card className="mt-6">
        <CardHeader>
          <CardTitle className="text-base">Hyperparameter searches</CardTitle>
          <CardDescription>
            Random search with successive halving over a family&apos;s declared space, within a time budget; the best trial is registered and goes through the
            promotion gate.
          </CardDescription>
        </CardHeader>
        <CardContent className="space-y-4">
          {user?.role === "admin" && <SearchForm />}
          <SearchList searches={searches} />
        </CardContent>
      </Card>
    </>
  );
}
