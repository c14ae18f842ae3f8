"use client";

import { unzip } from "fflate";
import { Loader2, Upload } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { ProgressBar } from "./progress-bar";
import { sendForm } from "./send-form";

const FIELDS = [
  { key: "name", label: "Name", hint: "lowercase letters, digits, . _ -" },
  { key: "author", label: "Author", hint: "" },
  { key: "algorithm", label: "Algorithm", hint: "e.g. cnn, logreg, tree" },
  { key: "datasetTag", label: "Dataset tag", hint: "benchmarked on this tag" },
  { key: "metrics", label: "Extra metrics", hint: "comma-separated metric ids" },
] as const;

/** What an ONNX model takes and gives: the server converts our 28x28 images to it. */
const ONNX_FIELDS = [
  {
    key: "layout",
    label: "Input layout",
    options: [
      ["nchw", "NCHW [N,1,28,28] (PyTorch)"],
      ["nhwc", "NHWC [N,28,28,1] (Keras)"],
      ["flat", "Flat [N,784] (scikit-learn)"],
    ],
  },
  {
    key: "scale",
    label: "Pixel scale",
    options: [
      ["0-1", "0 to 1"],
      ["0-255", "0 to 255"],
    ],
  },
  {
    key: "polarity",
    label: "Polarity",
    options: [
      ["white-on-black", "White on black (KMNIST)"],
      ["black-on-white", "Black on white (paper)"],
    ],
  },
  {
    key: "output",
    label: "Output",
    options: [
      ["logits", "Logits (softmax applied)"],
      ["probabilities", "Probabilities"],
    ],
  },
] as const;

type OnnxKey = (typeof ONNX_FIELDS)[number]["key"];
const ONNX_DEFAULTS: Record<OnnxKey | "labels", string> = { layout: "nchw", scale: "0-1", polarity: "white-on-black", output: "logits", labels: "" };

type Key = (typeof FIELDS)[number]["key"];
type Result =
  | { status: "idle" }
  | { status: "uploading"; percent: number }
  | { status: "checking" }
  | { status: "done"; id: number; label: string }
  | { status: "error"; message: string };

/** Reads manifest.json (at the top or in one folder) from a zip in the browser, to pre-fill the form. */
function readManifest(file: File): Promise<Record<string, unknown> | null> {
  return file.arrayBuffer().then(
    (buffer) =>
      new Promise((resolve) => {
        unzip(new Uint8Array(buffer), { filter: (f) => /^([^/]+\/)?manifest\.json$/.test(f.name) && f.originalSize < 1_000_000 }, (error, files) => {
          const entry = error ? undefined : Object.values(files)[0];
          try {
            resolve(entry ? (JSON.parse(new TextDecoder().decode(entry)) as Record<string, unknown>) : null);
          } catch {
            resolve(null);
          }
        });
      }),
  );
}

/**
 * Upload of a model artifact zip, or an ONNX model from another framework, with its metadata;
 * the server validates it fully before storing anything.
 */
export function UploadForm({ tags, maxBytes }: { tags: string[]; maxBytes: number }) {
  const [values, setValues] = useState<Record<Key, string>>({ name: "", author: "", algorithm: "", datasetTag: "", metrics: "" });
  const [onnx, setOnnx] = useState<Record<OnnxKey | "labels", string> | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState("");
  const [result, setResult] = useState<Result>({ status: "idle" });

  async function onFile(selected: File | null) {
    setFile(selected);
    setResult({ status: "idle" });
    setOnnx(null);
    if (!selected) return;
    if (selected.size > maxBytes) {
      setNote(`This file is ${(selected.size / 1e6).toFixed(1)} MB; the limit is ${(maxBytes / 1e6).toFixed(0)} MB.`);
      return;
    }
    if (/\.onnx$/i.test(selected.name)) {
      setOnnx(ONNX_DEFAULTS);
      setValues((v) => ({
        ...v,
        name:
          v.name ||
          selected.name
            .replace(/\.onnx$/i, "")
            .toLowerCase()
            .replace(/[^a-z0-9._-]+/g, "-"),
      }));
      setNote("An ONNX model: say what its input is and what it outputs. It is checked (operators, shapes, a sample batch) before anything is stored.");
      return;
    }
    const manifest = await readManifest(selected);
    if (!manifest) {
      setOnnx(ONNX_DEFAULTS);
      setNote("No manifest.json in this zip: if it holds one .onnx model, describe it below; an artifact zip needs a valid manifest.");
      return;
    }
    setNote("Fields pre-filled from the zip's manifest.json; change any before uploading.");
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    setValues({
      name: text(manifest.name),
      author: text(manifest.author),
      algorithm: text(manifest.algorithm),
      datasetTag: text(manifest.datasetTag),
      metrics: Array.isArray(manifest.metrics) ? manifest.metrics.filter((m) => typeof m === "string").join(", ") : "",
    });
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.set("file", file);
    for (const { key } of FIELDS) form.set(key, values[key]);
    if (onnx) for (const [key, value] of Object.entries(onnx)) if (value) form.set(key, value);
    setResult({ status: "uploading", percent: 0 });
    sendForm(
      "/api/admin/models",
      form,
      (percent) => setResult({ status: "uploading", percent }),
      () => setResult({ status: "checking" }),
    ).then(
      ({ status, body }) => {
        if (status === 201 && typeof body.id === "number") setResult({ status: "done", id: body.id, label: `${body.name}@${body.version}` });
        else setResult({ status: "error", message: body.error?.message ?? `The server answered ${status}.` });
      },
      (error: Error) => setResult({ status: "error", message: error.message }),
    );
  }

  const busy = result.status === "uploading" || result.status === "checking";
  return (
    <form onSubmit={submit} className="max-w-xl space-y-4" data-testid="upload-form">
      <label className="block space-y-1 text-sm">
        <span>Model file: a zip of the artifact folder (manifest.json and weight files), or an ONNX model (.onnx, or a zip with one)</span>
        <Input type="file" name="file" accept=".zip,application/zip,.onnx" required onChange={(e) => void onFile(e.target.files?.[0] ?? null)} />
      </label>
      {note && <p className="text-sm text-muted-foreground">{note}</p>}
      <div className="grid gap-3 sm:grid-cols-2">
        {FIELDS.map(({ key, label, hint }) => (
          <label key={key} className="block space-y-1 text-sm">
            <span>{label}</span>
            <Input
              name={key}
              value={values[key]}
              placeholder={hint}
              list={key === "datasetTag" ? "upload-tags" : undefined}
              onChange={(e) => setValues((v) => ({ ...v, [key]: e.target.value }))}
              maxLength={key === "metrics" ? 1000 : 200}
            />
          </label>
        ))}
      </div>
      {onnx && (
        <fieldset className="grid gap-3 rounded-md border p-3 sm:grid-cols-2" data-testid="onnx-fields">
          <legend className="px-1 text-sm font-medium">ONNX model</legend>
          {ONNX_FIELDS.map(({ key, label, options }) => (
            <label key={key} className="block space-y-1 text-sm">
              <span>{label}</span>
              <select
                name={key}
                value={onnx[key]}
                onChange={(e) => setOnnx((o) => o && { ...o, [key]: e.target.value })}
                className="h-9 w-full rounded-md border border-input bg-transparent px-2 text-sm"
              >
                {options.map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <label className="block space-y-1 text-sm sm:col-span-2">
            <span>Output order (optional)</span>
            <Input
              name="labels"
              value={onnx.labels}
              placeholder="class of each output, e.g. 0,1,2,…,9 or お,き,す,… (default 0-9)"
              maxLength={200}
              onChange={(e) => setOnnx((o) => o && { ...o, labels: e.target.value })}
            />
          </label>
        </fieldset>
      )}
      <datalist id="upload-tags">
        {tags.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <Button type="submit" disabled={!file || busy}>
        {busy ? <Loader2 className="animate-spin" aria-hidden /> : <Upload aria-hidden />}
        Upload and register
      </Button>
      {result.status === "uploading" && <ProgressBar percent={result.percent} label="Upload progress" />}
      {result.status === "checking" && (
        <p className="text-sm text-muted-foreground">
          {onnx
            ? "Uploaded. Checking the ONNX model (operators, shapes, limits) and running it on a sample batch…"
            : "Uploaded. Checking the zip, the manifest, the checksums, and that the model loads…"}
        </p>
      )}
      {result.status === "done" && (
        <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Registered as{" "}
          <Link href={`/models/${result.id}`} className="font-medium underline">
            {result.label}
          </Link>
          ; its benchmark is queued.{" "}
          <Link href="/models" className="underline">
            All models
          </Link>
        </p>
      )}
      {result.status === "error" && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 px-3 py-2 text-sm text-destructive">
          Rejected: {result.message}
        </p>
      )}
    </form>
  );
}
