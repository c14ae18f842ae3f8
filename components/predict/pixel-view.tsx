"use client";

import { useEffect, useRef } from "react";

/** The 28x28 input the model saw, enlarged with crisp pixels. */
export function PixelView({ pixels }: { pixels: number[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    const image = ctx.createImageData(28, 28);
    pixels.forEach((v, i) => {
      image.data.set([v, v, v, 255], i * 4);
    });
    ctx.putImageData(image, 0, 0);
  }, [pixels]);
  return (
    <canvas
      ref={ref}
      width={28}
      height={28}
      data-testid="preprocessed-view"
      aria-label="The 28 by 28 pixel image the model received"
      className="size-28 rounded border [image-rendering:pixelated]"
    />
  );
}
