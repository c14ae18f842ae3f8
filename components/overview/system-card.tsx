import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { ComponentStatus } from "@/lib/admin";
import { formatDateTime } from "@/lib/format";
import type { Overview } from "@/lib/overview";

function ComponentRow({ name, ok, detail }: { name: string; ok: boolean; detail: string }) {
  return (
    <div className="flex items-start justify-between gap-3 py-1.5" data-testid={`component-${name.toLowerCase().replace(/\s+/g, "-")}`}>
      <dt className="text-sm">{name}</dt>
      <dd className="flex min-w-0 items-center gap-2 text-right text-xs text-muted-foreground">
        <span className="truncate" title={detail}>
          {detail}
        </span>
        <Badge variant={ok ? "success" : "destructive"}>{ok ? "ok" : "down"}</Badge>
      </dd>
    </div>
  );
}

/** Components, the last pipeline run and the job queue. */
export function SystemCard({
  components,
  lastPipeline,
  queue,
}: {
  components: ComponentStatus[];
  lastPipeline: Overview["lastPipeline"];
  queue: Overview["queue"];
}) {
  return (
    <Card data-testid="system-status">
      <CardHeader>
        <CardTitle>System</CardTitle>
        <CardDescription>Components and background work.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="divide-y">
          {components.map((c) => (
            <ComponentRow key={c.name} name={c.name} ok={c.ok} detail={c.detail} />
          ))}
          <ComponentRow
            name="Last pipeline"
            ok={lastPipeline?.status !== "failed"}
            detail={
              lastPipeline
                ? `${lastPipeline.status}${lastPipeline.decision ? `, ${lastPipeline.decision}` : ""}, ${formatDateTime(lastPipeline.startedAt)}`
                : "never run"
            }
          />
        </dl>
        {queue.length > 0 && (
          <ul className="mt-3 space-y-1 text-xs text-muted-foreground" data-testid="job-queue">
            {queue.map((q) => (
              <li key={q.name}>
                {q.name}: {q.running} running, {q.pending} pending
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3 text-xs">
          <Link href="/training" className="underline underline-offset-4">
            Training runs
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
