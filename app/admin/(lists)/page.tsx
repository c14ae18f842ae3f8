import type { Metadata } from "next";
import Link from "next/link";
import { requestBenchmarks, requestTraining } from "@/app/admin/actions";
import { ActionButton } from "@/components/admin/action-button";
import { LogTable } from "@/components/admin/log-table";
import { EmptyState, PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { componentStatus, listLogs, logQuerySchema } from "@/lib/admin";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

export default async function AdminPage() {
  const db = await getDb();
  const [components, recent] = await Promise.all([componentStatus(db), listLogs(db, logQuerySchema.parse({ level: "warn", pageSize: "10" }))]);
  return (
    <>
      <PageHeader title="Admin" description="Component status, background work on demand, and the latest warnings and errors." />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Components</CardTitle>
            <CardDescription>Checked when this page loaded.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="divide-y" data-testid="component-status">
              {components.map((c) => (
                <div key={c.name} className="flex items-start justify-between gap-4 py-2" data-component={c.name}>
                  <dt className="text-sm font-medium">{c.name}</dt>
                  <dd className="flex min-w-0 items-center gap-2 text-right text-xs text-muted-foreground">
                    <span className="break-all">{c.detail}</span>
                    <Badge variant={c.ok ? "success" : "destructive"}>{c.ok ? "ok" : "down"}</Badge>
                  </dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Run now</CardTitle>
            <CardDescription>Both also run on their schedules.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            <ActionButton action={requestTraining} label="Train (pipeline)" testId="trigger-training" />
            <ActionButton action={requestBenchmarks} label="Benchmark sweep" testId="trigger-benchmarks" />
            <p className="text-sm">
              <Link href="/admin/upload" className="underline underline-offset-4">
                Upload a model
              </Link>
            </p>
          </CardContent>
        </Card>
      </div>
      <h2 className="mt-8 mb-3 flex items-baseline gap-3 text-lg font-semibold">
        Latest warnings and errors
        <Link href="/admin/logs" className="text-sm font-normal underline-offset-4 hover:underline">
          All logs
        </Link>
      </h2>
      {recent.rows.length === 0 ? (
        <EmptyState title="Nothing to worry about">No warnings or errors have been logged.</EmptyState>
      ) : (
        <LogTable rows={recent.rows} />
      )}
    </>
  );
}
