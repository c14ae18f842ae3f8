"use client";

import { useEffect, useRef } from "react";

/**
 * A 28x28 grid as pixels on a canvas. `diverging`: attributions, red for evidence for the
 * class, blue against, white for none, scaled to `scale` (default: the grid's largest |value|).
 * Otherwise a 0-255 grayscale image, white ink on black as KMNIST stores it.
 */
export function Heatmap({
  values,
  diverging = true,
  scale,
  label,
  size = 84,
}: {
  values: number[];
  diverging?: boolean;
  scale?: number;
  label: string;
  size?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const image = context.createImageData(28, 28);
    const max = scale ?? Math.max(1e-12, ...values.map(Math.abs));
    values.forEach((v, i) => {
      let rgb: [number, number, number];
      if (diverging) {
        const t = Math.max(-1, Math.min(1, v / max));
        rgb = t >= 0 ? [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))] : [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255];
      } else {
        rgb = [v, v, v];
      }
      image.data.set([...rgb, 255], i * 4);
    });
    context.putImageData(image, 0, 0);
  }, [values, diverging, scale]);
  return (
    <canvas
      ref={canvas}
      width={28}
      height={28}
      role="img"
      aria-label={label}
      title={label}
      style={{ width: size, height: size, imageRendering: "pixelated" }}
      className="rounded border"
    />
  );
}
