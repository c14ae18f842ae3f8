"use client";

import { Loader2, Upload } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { ProbabilityChart } from "@/components/charts/probability-chart";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { Prediction } from "@/lib/serving";
import { cn } from "@/lib/utils";
import { DrawingCanvas, type DrawingCanvasHandle } from "./drawing-canvas";
import { PixelView } from "./pixel-view";
import { PredictionFeedback } from "./prediction-feedback";

type State =
  | { status: "idle" }
  | { status: "loading"; previous?: Prediction }
  | { status: "done"; prediction: Prediction; source: string }
  | { status: "error"; message: string };

const WHILE_DRAWING_MS = 400;
const AFTER_STROKE_MS = 120;

/** Draw or upload a character and see the prediction update as you go. */
export function PredictPanel() {
  const canvas = useRef<DrawingCanvasHandle>(null);
  const inFlight = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastDrawingCall = useRef(0);
  const [state, setState] = useState<State>({ status: "idle" });
  const [dragging, setDragging] = useState(false);

  /** `record: false` for previews while a stroke is still being drawn: only finished drawings go to the prediction log. */
  const send = useCallback(async (body: Blob, source: string, record = true) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ status: "loading", previous: s.status === "done" ? s.prediction : s.status === "loading" ? s.previous : undefined }));
    try {
      const response = await fetch(`/api/predict?preprocessed=true${record ? "" : "&record=false"}`, {
        method: "POST",
        headers: { "content-type": body.type || "application/octet-stream" },
        body,
        signal: controller.signal,
      });
      const json = await response.json();
      if (controller.signal.aborted) return;
      if (!response.ok) setState({ status: "error", message: json?.error?.message ?? `The server answered ${response.status}` });
      else setState({ status: "done", prediction: json as Prediction, source });
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      setState({ status: "error", message: "Could not reach the server. Is it running?" });
    }
  }, []);

  const predictDrawing = useCallback(
    async (finished: boolean) => {
      const blob = await canvas.current?.toBlob();
      if (!blob) {
        inFlight.current?.abort();
        setState({ status: "idle" });
        return;
      }
      await send(blob, "your drawing", finished);
    },
    [send],
  );

  const onCanvasChange = useCallback(
    (_strokes: number, drawing: boolean) => {
      if (timer.current) clearTimeout(timer.current);
      const now = Date.now();
      if (drawing && now - lastDrawingCall.current > WHILE_DRAWING_MS) {
        lastDrawingCall.current = now;
        void predictDrawing(false);
        return;
      }
      timer.current = setTimeout(() => void predictDrawing(!drawing), drawing ? WHILE_DRAWING_MS : AFTER_STROKE_MS);
    },
    [predictDrawing],
  );

  useEffect(() => () => inFlight.current?.abort(), []);

  const onFile = (file: File | undefined) => {
    if (!file) return;
    if (timer.current) clearTimeout(timer.current);
    canvas.current?.clear();
    void send(file, file.name);
  };

  const prediction = state.status === "done" ? state.prediction : state.status === "loading" ? state.previous : undefined;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,360px)_minmax(0,1fr)]">
      <div className="space-y-4">
        <DrawingCanvas ref={canvas} onChange={onCanvasChange} />
        <label
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            onFile(e.dataTransfer.files[0]);
          }}
          className={cn(
            "flex max-w-[320px] cursor-pointer flex-col items-center gap-1 rounded-lg border border-dashed p-4 text-center text-sm text-muted-foreground transition-colors hover:bg-accent",
            dragging && "border-primary bg-accent",
          )}
        >
          <Upload className="size-5" aria-hidden />
          <span>
            <span className="font-medium text-foreground">Upload an image</span> or drop it here
          </span>
          <span className="text-xs">PNG, JPEG, WebP, GIF, AVIF or TIFF, any size</span>
          <input type="file" accept="image/*" className="sr-only" data-testid="upload-input" onChange={(e) => onFile(e.target.files?.[0] ?? undefined)} />
        </label>
      </div>

      <Card aria-live="polite" aria-busy={state.status === "loading"}>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            Prediction
            {state.status === "loading" && <Loader2 className="size-4 animate-spin text-muted-foreground" aria-label="Predicting" />}
          </CardTitle>
          <CardDescription>
            {prediction
              ? `${state.status === "done" ? `For ${state.source}, answered` : "Answered"} by ${prediction.model.name}@${prediction.model.version} in ${prediction.timingMs.total.toFixed(1)} ms`
              : "Draw a character on the left or upload an image."}
          </CardDescription>
        </CardHeader>
        <CardContent>
          {state.status === "error" && (
            <p role="alert" data-testid="predict-error" className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
              {state.message}
            </p>
          )}
          {prediction ? (
            <div className="grid gap-6 sm:grid-cols-[auto_minmax(0,1fr)]">
              <div className="flex flex-col items-center gap-3">
                <div data-testid="predicted-char" className="text-8xl leading-none">
                  {prediction.char}
                </div>
                <Badge variant="secondary" data-testid="predicted-probability">
                  {(prediction.probabilities[0].p * 100).toFixed(1)}%
                </Badge>
                <div className="text-center text-xs text-muted-foreground">
                  <PixelView pixels={prediction.preprocessed ?? []} />
                  <p className="mt-1">what the model saw</p>
                </div>
                <Badge variant="outline" data-testid="answering-model">
                  {prediction.model.name}@{prediction.model.version} · {prediction.model.algorithm}
                </Badge>
              </div>
              <div className="space-y-4">
                <ProbabilityChart probabilities={prediction.probabilities} />
                {state.status === "done" && prediction.predictionId && (
                  <PredictionFeedback key={prediction.predictionId} predictionId={prediction.predictionId} predicted={prediction.label} />
                )}
              </div>
            </div>
          ) : (
            state.status !== "error" && <div className="grid h-48 place-items-center text-6xl text-muted-foreground/30">？</div>
          )}
          {prediction && (
            <ol className="sr-only" data-testid="probabilities">
              {prediction.probabilities.map((p) => (
                <li key={p.label} data-p={p.p}>
                  {p.char} {(p.p * 100).toFixed(2)}%
                </li>
              ))}
            </ol>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
