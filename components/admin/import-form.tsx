"use client";

import { Loader2, Upload } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { ProgressBar } from "./progress-bar";
import { sendForm } from "./send-form";

type State = { status: "idle" } | { status: "uploading"; percent: number } | { status: "queued" } | { status: "error"; message: string };

/** Sends a labelled batch (a zip with labels.csv, or an idx pair) to POST /api/datasets/imports, then opens the import's page. */
export function ImportForm({ sources, maxBytes }: { sources: string[]; maxBytes: number }) {
  const router = useRouter();
  const [format, setFormat] = useState<"zip" | "idx">("zip");
  const [source, setSource] = useState("");
  const [files, setFiles] = useState<Record<string, File | null>>({});
  const [state, setState] = useState<State>({ status: "idle" });
  const chosen = format === "zip" ? [files.file] : [files.images, files.labels];
  const size = chosen.reduce((a, f) => a + (f?.size ?? 0), 0);
  const ready = source && chosen.every(Boolean) && size <= maxBytes;

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData();
    form.set("source", source);
    for (const name of format === "zip" ? ["file"] : ["images", "labels"]) form.set(name, files[name]!);
    setState({ status: "uploading", percent: 0 });
    sendForm(
      "/api/datasets/imports",
      form,
      (percent) => setState({ status: "uploading", percent }),
      () => setState({ status: "queued" }),
    ).then(
      ({ status, body }) => {
        if (status === 202 && typeof body.url === "string") router.push(body.url);
        else setState({ status: "error", message: body.error?.message ?? `The server answered ${status}.` });
      },
      (error: Error) => setState({ status: "error", message: error.message }),
    );
  }

  const fileInput = (name: string, label: string, accept: string) => (
    <label className="block space-y-1 text-sm">
      <span>{label}</span>
      <Input type="file" name={name} accept={accept} required onChange={(e) => setFiles((f) => ({ ...f, [name]: e.target.files?.[0] ?? null }))} />
    </label>
  );
  const busy = state.status === "uploading" || state.status === "queued";
  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" data-testid="import-form">
      <label className="block space-y-1 text-sm">
        <span>Source (new or existing; a-z, 0-9, -)</span>
        <Input name="source" value={source} onChange={(e) => setSource(e.target.value)} list="import-sources" pattern="[a-z0-9][a-z0-9-]{1,39}" required />
      </label>
      <datalist id="import-sources">
        {sources.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1">Format</legend>
        {(["zip", "idx"] as const).map((f) => (
          <label key={f} className="flex items-center gap-2">
            <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} />
            {f === "zip" ? "Zip of images with labels.csv" : "idx pair (images + labels)"}
          </label>
        ))}
      </fieldset>
      {format === "zip" ? (
        fileInput("file", "Zip: images and a labels.csv of file,label lines (label 0-9 or the hiragana)", ".zip,application/zip")
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          {fileInput("images", "Images (idx, n x 28 x 28)", "")}
          {fileInput("labels", "Labels (idx, n)", "")}
        </div>
      )}
      {size > maxBytes && (
        <p className="text-sm text-destructive">
          These files are {(size / 1e6).toFixed(1)} MB; the limit is {(maxBytes / 1e6).toFixed(0)} MB.
        </p>
      )}
      <Button type="submit" disabled={!ready || busy}>
        {busy ? <Loader2 className="animate-spin" aria-hidden /> : <Upload aria-hidden />}
        Import
      </Button>
      {state.status === "uploading" && <ProgressBar percent={state.percent} label="Upload progress" />}
      {state.status === "queued" && <p className="text-sm text-muted-foreground">Uploaded; opening the import…</p>}
      {state.status === "error" && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          Refused: {state.message}
        </p>
      )}
    </form>
  );
}
