"use client";

import { Eraser, Undo2 } from "lucide-react";
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

export type Point = [number, number];

/** Canvas units; the canvas is scaled by CSS to fit the screen. */
const SIZE = 280;
// What the person sees: the server renders the strokes at KMNIST's width for the character's own size.
const STROKE_WIDTH = 22;

export interface DrawingCanvasHandle {
  /** The drawing's finished strokes (and the one being drawn), in canvas pixels; empty when nothing is drawn. */
  strokes(): Point[][];
  /** Empties the canvas without reporting a change. */
  clear(): void;
}

/**
 * A square drawing surface for mouse, touch and pen (Pointer Events), with undo and clear.
 * Calls `onChange` after each finished stroke and while drawing (the parent throttles). The
 * server gets the strokes, not the picture: it draws them at a width relative to the
 * character, so the pen's width here is only what the person sees.
 */
export const DrawingCanvas = forwardRef<DrawingCanvasHandle, { onChange(strokeCount: number, drawing: boolean): void }>(function DrawingCanvas(
  { onChange },
  ref,
) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Point[][]>([]);
  const current = useRef<Point[] | null>(null);
  const [strokeCount, setStrokeCount] = useState(0);

  const redraw = useCallback(() => {
    const ctx = canvasRef.current?.getContext("2d");
    if (!ctx) return;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = "#111111";
    ctx.lineWidth = STROKE_WIDTH;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const stroke of [...strokes.current, ...(current.current ? [current.current] : [])]) {
      ctx.beginPath();
      stroke.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      // A tap is a dot.
      if (stroke.length === 1) ctx.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
      ctx.stroke();
    }
  }, []);

  useEffect(redraw, [redraw]);

  const commit = useCallback(
    (next: Point[][], notify = true) => {
      strokes.current = next;
      setStrokeCount(next.length);
      redraw();
      if (notify) onChange(next.length, false);
    },
    [onChange, redraw],
  );

  useImperativeHandle(ref, () => ({
    strokes: () =>
      [...strokes.current, ...(current.current ? [current.current] : [])].map((stroke) =>
        stroke.map(([x, y]): Point => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]),
      ),
    // Silent: the caller is replacing the drawing with something else (an upload).
    clear: () => commit([], false),
  }));

  const point = (event: React.PointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [((event.clientX - rect.left) / rect.width) * SIZE, ((event.clientY - rect.top) / rect.height) * SIZE];
  };

  return (
    <div className="space-y-2">
      <canvas
        ref={canvasRef}
        width={SIZE}
        height={SIZE}
        aria-label="Drawing area: draw one hiragana character"
        data-testid="drawing-canvas"
        className="aspect-square w-full max-w-[320px] cursor-crosshair touch-none rounded-lg border bg-white shadow-inner"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          current.current = [point(e)];
          redraw();
        }}
        onPointerMove={(e) => {
          if (!current.current) return;
          current.current.push(point(e));
          redraw();
          onChange(strokes.current.length + 1, true);
        }}
        onPointerUp={() => {
          if (!current.current) return;
          const stroke = current.current;
          current.current = null;
          commit([...strokes.current, stroke]);
        }}
        onPointerCancel={() => {
          current.current = null;
          redraw();
        }}
      />
      <div className="flex gap-2">
        <Button type="button" variant="outline" size="sm" disabled={strokeCount === 0} onClick={() => commit(strokes.current.slice(0, -1))}>
          <Undo2 aria-hidden /> Undo
        </Button>
        <Button type="button" variant="outline" size="sm" disabled={strokeCount === 0} onClick={() => commit([])}>
          <Eraser aria-hidden /> Clear
        </Button>
      </div>
    </div>
  );
});
