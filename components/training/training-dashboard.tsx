"use client";

import { Loader2, Play } from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { EmptyState } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatEstimate, formatPValue, formatSampleSize } from "@/lib/format";
import type { TrainingStatusJson } from "@/lib/pipeline";

type Status = TrainingStatusJson;

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** A tag the pipeline can train on, with its versions newest first. */
export interface TrainableTag {
  name: string;
  versions: Array<{ id: number; createdAt: string; recordCount: number }>;
}

/** Live view of training: progress of running models (polled), past pipeline runs and their decisions. */
export function TrainingDashboard({ tags, defaultTag }: { tags: TrainableTag[]; defaultTag: string }) {
  const [tagName, setTagName] = useState(defaultTag);
  const [versionId, setVersionId] = useState("");
  const [status, setStatus] = useState<Status | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const response = await fetch("/api/training", { cache: "no-store" });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      setStatus(await response.json());
      setLoadError(null);
    } catch (error) {
      setLoadError(`Could not load training status (${(error as Error).message}).`);
    }
  }, []);

  const busy = Boolean(status && (status.queued.length > 0 || status.active.length > 0 || status.pipelines.some((p) => p.status === "running")));

  // Polls faster while something is training; the first load runs right away.
  useEffect(() => {
    const first = setTimeout(() => void refresh(), 0);
    const timer = setInterval(() => void refresh(), busy ? 1500 : 10_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh, busy]);

  async function start(on?: { trainingTag: string; trainingVersionId?: number }) {
    setStarting(true);
    setMessage(null);
    try {
      const response = await fetch("/api/training", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(on ?? {}) });
      const body = await response.json();
      setMessage(response.ok ? `Training requested (${body.engine} job engine).` : (body?.error?.message ?? `The server answered ${response.status}`));
      await refresh();
    } finally {
      setStarting(false);
    }
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={() => start()} disabled={starting || busy} data-testid="start-training">
          {starting ? <Loader2 className="animate-spin" aria-hidden /> : <Play aria-hidden />} Train all models now
        </Button>
        {busy && <Badge variant="warning">training in progress</Badge>}
        <form
          className="flex flex-wrap items-center gap-2 text-sm"
          aria-label="Train on chosen data"
          onSubmit={(event) => {
            event.preventDefault();
            void start({ trainingTag: tagName, ...(versionId ? { trainingVersionId: Number(versionId) } : {}) });
          }}
        >
          <label className="flex min-w-0 items-center gap-1">
            Train on
            <select
              value={tagName}
              onChange={(e) => {
                setTagName(e.target.value);
                setVersionId("");
              }}
              className="h-9 max-w-[16rem] min-w-0 rounded-md border bg-background px-2"
              data-testid="train-tag"
            >
              {tags.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label className="flex min-w-0 items-center gap-1">
            version
            <select
              value={versionId}
              onChange={(e) => setVersionId(e.target.value)}
              className="h-9 max-w-[16rem] min-w-0 rounded-md border bg-background px-2"
              data-testid="train-version"
            >
              <option value="">newest (resolved when the run starts)</option>
              {(tags.find((t) => t.name === tagName)?.versions ?? []).map((v) => (
                <option key={v.id} value={v.id}>
                  version {v.id} · {v.createdAt.slice(0, 16).replace("T", " ")} · {v.recordCount.toLocaleString("en-US")} records
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" variant="outline" disabled={starting || busy} data-testid="start-training-on">
            Train on this data
          </Button>
        </form>
        {message && (
          <p role="status" className="text-sm text-muted-foreground">
            {message}
          </p>
        )}
      </div>
      {loadError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {loadError}
        </p>
      )}
      {!status && !loadError && <div className="h-32 animate-pulse rounded-xl bg-muted" aria-label="Loading" />}

      {status && status.active.length > 0 && (
        <div className="grid gap-4 md:grid-cols-2">
          {status.active.map((run) => {
            const p = run.progress;
            const fraction = p ? p.epoch / Math.max(1, p.epochs) : 0;
            return (
              <Card key={run.id} data-testid="active-training">
                <CardHeader>
                  <CardTitle>{run.algorithm}</CardTitle>
                  <CardDescription>
                    {p ? (p.epochs === 0 && p.message ? p.message : `epoch ${p.epoch} of ${p.epochs}`) : "starting"}
                    {p?.etaSeconds !== undefined && ` · about ${Math.ceil(p.etaSeconds)} s left`}
                  </CardDescription>
                </CardHeader>
                <CardContent className="space-y-2">
                  <div
                    className="h-2 overflow-hidden rounded-full bg-muted"
                    role="progressbar"
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={Math.round(fraction * 100)}
                  >
                    <div className="h-full bg-primary transition-all" style={{ width: `${fraction * 100}%` }} />
                  </div>
                  {p?.loss !== undefined && (
                    <p className="text-sm text-muted-foreground">
                      loss {p.loss.toFixed(4)}
                      {p.accuracy !== undefined && ` · training accuracy ${pct(p.accuracy)}`}
                    </p>
                  )}
                </CardContent>
              </Card>
            );
          })}
        </div>
      )}

      {status && status.queued.some((job) => job.status === "pending" && job.lastError) && (
        <p role="status" className="text-sm text-muted-foreground" data-testid="resuming">
          {status.queued
            .filter((job) => job.status === "pending" && job.lastError)
            .map((job) => `Pipeline job ${job.id} waits to resume (${job.lastError}).`)
            .join(" ")}
        </p>
      )}

      {status && status.pipelines.length === 0 ? (
        <EmptyState title="No pipeline runs yet">Runs appear here when the schedule fires, an event arrives or you start one.</EmptyState>
      ) : (
        status && (
          <Table data-testid="pipeline-runs">
            <TableHeader>
              <TableRow>
                <TableHead>Run</TableHead>
                <TableHead>Started</TableHead>
                <TableHead>Trigger</TableHead>
                <TableHead>Candidates (holdout accuracy)</TableHead>
                <TableHead>Decision</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {status.pipelines.map((run) => (
                <TableRow key={run.id} id={`run-${run.id}`} className="target:bg-amber-50">
                  <TableCell>#{run.id}</TableCell>
                  <TableCell>{new Date(run.startedAt).toISOString().slice(0, 16).replace("T", " ")}</TableCell>
                  <TableCell className="max-w-xs whitespace-normal">
                    <span data-testid="run-trigger">
                      {run.trigger} · {run.actor}
                    </span>
                    {run.triggerDetail && <span className="block text-xs text-muted-foreground">{run.triggerDetail.reason}</span>}
                    {run.trainVersionId !== null && run.trainingTag && (
                      <span className="block text-xs">
                        trained on{" "}
                        <Link href={`/datasets/${run.trainingTag}#version-${run.trainVersionId}`} className="underline underline-offset-4">
                          {run.trainingTag} version {run.trainVersionId}
                        </Link>
                      </span>
                    )}
                  </TableCell>
                  <TableCell className="whitespace-normal">
                    {(run.candidates ?? []).length === 0
                      ? "—"
                      : (run.candidates ?? []).map((c, i) => (
                          <span key={c.modelVersionId}>
                            {i > 0 && ", "}
                            <Link href={`/models/${c.modelVersionId}`} className="underline-offset-4 hover:underline">
                              {c.model}
                            </Link>{" "}
                            {formatEstimate(c.holdoutAccuracy, c.holdoutInterval)}
                          </span>
                        ))}
                    {run.holdoutRecords !== null && (
                      <span className="block text-xs text-muted-foreground">{formatSampleSize(run.holdoutRecords)}, 95 % Wilson</span>
                    )}
                    {run.searchId !== null && (
                      <Link href={`/training/searches/${run.searchId}`} className="block text-xs underline underline-offset-4" data-testid="run-search">
                        best trial of hyperparameter search #{run.searchId}
                      </Link>
                    )}
                  </TableCell>
                  <TableCell className="max-w-md whitespace-normal">
                    {run.status === "running" && <Badge variant="warning">running</Badge>}
                    {run.status === "failed" && <Badge variant="destructive">failed</Badge>}
                    {run.status === "interrupted" && <Badge variant="secondary">interrupted</Badge>}
                    {run.decision && <Badge variant={run.decision === "promoted" ? "success" : "secondary"}>{run.decision}</Badge>}
                    {run.comparison && (
                      <p className="mt-1 text-xs" data-testid="decision-test">
                        McNemar p = {formatPValue(run.comparison.contingency.pValue)} (needs &lt; {run.comparison.maxP}) on {run.comparison.contingency.n}{" "}
                        images: {run.comparison.contingency.firstOnly} right only by {run.comparison.challenger.label}, {run.comparison.contingency.secondOnly}{" "}
                        only by {run.comparison.champion.label}
                      </p>
                    )}
                    {(run.sourceComparisons ?? []).map((c) => (
                      <p key={c.tag} className="mt-1 text-xs" data-testid="decision-source-test">
                        {c.tag}: {pct(c.challenger.accuracy)} vs {pct(c.champion.accuracy)}, McNemar p = {formatPValue(c.contingency.pValue)} on{" "}
                        {c.contingency.n} images
                      </p>
                    ))}
                    <p className="mt-1 text-xs text-muted-foreground">{run.reason ?? run.error}</p>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )
      )}
    </div>
  );
}
