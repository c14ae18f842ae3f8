"use client";

import { CheckCheck, Loader2, Upload } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { ProbabilityChart } from "@/components/charts/probability-chart";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { Prediction } from "@/lib/serving";
import { cn } from "@/lib/utils";
import { DrawingCanvas, type DrawingCanvasHandle } from "./drawing-canvas";
import { PixelView } from "./pixel-view";
import { PredictionFeedback } from "./prediction-feedback";

type State =
  | { status: "idle" }
  | { status: "loading"; previous?: Prediction }
  | { status: "done"; prediction: Prediction; source: string; recorded: boolean }
  /** Not a character: for a preview of an unfinished drawing only a hint to keep drawing. */
  | { status: "refused"; message: string; preview: boolean }
  | { status: "error"; message: string };

const WHILE_DRAWING_MS = 400;
const AFTER_STROKE_MS = 120;
/** A drawing counts as finished (recorded, and asks for feedback) after this long without a stroke, or when Done is pressed. */
export const FINISHED_AFTER_MS = 1500;

/**
 * Draw or upload a character and see the prediction update as you go. Previews while drawing
 * are not recorded; the drawing is recorded once the person pauses or presses Done, and only
 * a recorded prediction asks "Is this right?".
 */
export function PredictPanel() {
  const canvas = useRef<DrawingCanvasHandle>(null);
  const inFlight = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const finishTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastDrawingCall = useRef(0);
  const [state, setState] = useState<State>({ status: "idle" });
  const [hasDrawing, setHasDrawing] = useState(false);
  const [dragging, setDragging] = useState(false);

  const send = useCallback(async (body: Blob | string, source: string, record: boolean) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState((s) => ({ status: "loading", previous: s.status === "done" ? s.prediction : s.status === "loading" ? s.previous : undefined }));
    try {
      const response = await fetch(`/api/predict?preprocessed=true${record ? "" : "&record=false"}`, {
        method: "POST",
        headers: { "content-type": typeof body === "string" ? "application/json" : body.type || "application/octet-stream" },
        body,
        signal: controller.signal,
      });
      const json = await response.json();
      if (controller.signal.aborted) return;
      if (response.ok) setState({ status: "done", prediction: json as Prediction, source, recorded: record });
      else if (json?.error?.code === "not_a_character" || json?.error?.code === "no_ink")
        setState({ status: "refused", message: json.error.message, preview: !record });
      else setState({ status: "error", message: json?.error?.message ?? `The server answered ${response.status}` });
    } catch (error) {
      if ((error as Error).name === "AbortError") return;
      setState({ status: "error", message: "Could not reach the server. Is it running?" });
    }
  }, []);

  const clearTimers = () => {
    if (timer.current) clearTimeout(timer.current);
    if (finishTimer.current) clearTimeout(finishTimer.current);
  };

  /** Sends the strokes: a preview (`finished` false) or the finished drawing, which is recorded. */
  const predictDrawing = useCallback(
    async (finished: boolean) => {
      const strokes = canvas.current?.strokes() ?? [];
      if (strokes.length === 0) {
        inFlight.current?.abort();
        setState({ status: "idle" });
        return;
      }
      await send(JSON.stringify({ strokes }), "your drawing", finished);
    },
    [send],
  );

  const finish = useCallback(() => {
    clearTimers();
    void predictDrawing(true);
  }, [predictDrawing]);

  const onCanvasChange = useCallback(
    (strokeCount: number, drawing: boolean) => {
      clearTimers();
      setHasDrawing(strokeCount > 0);
      const now = Date.now();
      if (drawing && now - lastDrawingCall.current > WHILE_DRAWING_MS) {
        lastDrawingCall.current = now;
        void predictDrawing(false);
        return;
      }
      timer.current = setTimeout(() => void predictDrawing(false), drawing ? WHILE_DRAWING_MS : AFTER_STROKE_MS);
      if (!drawing && strokeCount > 0) finishTimer.current = setTimeout(finish, FINISHED_AFTER_MS);
    },
    [finish, predictDrawing],
  );

  useEffect(
    () => () => {
      inFlight.current?.abort();
      clearTimers();
    },
    [],
  );

  const onFile = (file: File | undefined) => {
    if (!file) return;
    clearTimers();
    canvas.current?.clear();
    setHasDrawing(false);
    void send(file, file.name, true);
  };

  const prediction = state.status === "done" ? state.prediction : state.status === "loading" ? state.previous : undefined;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,360px)_minmax(0,1fr)]">
      <div className="space-y-4">
        <DrawingCanvas ref={canvas} onChange={onCanvasChange} />
        <div className="flex max-w-[320px] items-center gap-2">
          <Button
            type="button"
            size="sm"
            disabled={!hasDrawing || (state.status === "done" && state.recorded && state.source === "your drawing")}
            onClick={finish}
          >
            <CheckCheck aria-hidden /> Done
          </Button>
          <span className="text-xs text-muted-foreground" data-testid="drawing-status">
            {!hasDrawing
              ? "Draw one character."
              : state.status === "done" && state.recorded
                ? "Recorded."
                : `Preview: keep drawing, or pause ${FINISHED_AFTER_MS / 1000} s or press Done.`}
          </span>
        </div>
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
          {state.status === "refused" &&
            (state.preview ? (
              <p role="status" data-testid="predict-keep-drawing" className="mb-4 text-sm text-muted-foreground">
                Keep drawing: so far {state.message.replace(/^Not a character: this /, "it ").replace(/\. Draw one of the ten hiragana\.$/, ".")}
              </p>
            ) : (
              <p role="status" data-testid="predict-refused" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
                {state.message}
              </p>
            ))}
          {prediction?.unsure && state.status === "done" && (
            <p role="status" data-testid="predict-unsure" className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
              Unsure: this may not be one of the ten characters (the model is less confident than on 99 % of its test characters).
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
                {state.status === "done" && state.recorded && prediction.predictionId && (
                  <PredictionFeedback key={prediction.predictionId} predictionId={prediction.predictionId} predicted={prediction.label} />
                )}
              </div>
            </div>
          ) : (
            state.status !== "error" && state.status !== "refused" && <div className="grid h-48 place-items-center text-6xl text-muted-foreground/30">？</div>
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
