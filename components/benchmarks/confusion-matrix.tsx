import { KMNIST_CLASSES } from "@/lib/kmnist";

/** Fill of a cell: shade by share of its row; with a baseline, green where the change is good. */
function cellFill(t: number, p: number, n: number, rowTotal: number, delta: number | null): string {
  if (delta !== null) {
    if (delta === 0) return "var(--color-muted)";
    const good = t === p ? delta > 0 : delta < 0;
    const strength = Math.min(1, Math.abs(delta) / Math.max(1, rowTotal * 0.05));
    return `oklch(${0.95 - strength * 0.35} 0.14 ${good ? 155 : 25})`;
  }
  const share = n / rowTotal;
  return t === p ? `oklch(${0.97 - share * 0.45} 0.12 155)` : n ? `oklch(${0.97 - Math.min(1, share * 4) * 0.35} 0.14 25)` : "var(--color-muted)";
}

/**
 * Rows: true class; columns: predicted class. Cell shade is the share of its row. With a
 * `baseline` (another model's matrix on the same data) the cells show the difference. With
 * `cellLink`, every non-empty cell links to `<cellLink>?actual=t&predicted=p` (its images).
 */
export function ConfusionMatrix({ counts, baseline, cellLink }: { counts: number[][]; baseline?: number[][]; cellLink?: string }) {
  const cell = 34;
  const margin = 30;
  const size = margin + cell * counts.length;
  return (
    <svg viewBox={`0 0 ${size} ${size + 16}`} className="w-full max-w-md" role="img" aria-label="Confusion matrix" data-testid="confusion-matrix">
      <text x={margin + (cell * counts.length) / 2} y={size + 14} textAnchor="middle" className="fill-muted-foreground text-[9px]">
        predicted
      </text>
      {KMNIST_CLASSES.map(({ label, char }) => (
        <g key={label} className="fill-foreground text-[13px]">
          <text x={margin + label * cell + cell / 2} y={20} textAnchor="middle">
            {char}
          </text>
          <text x={14} y={margin + label * cell + cell / 2 + 5} textAnchor="middle">
            {char}
          </text>
        </g>
      ))}
      {counts.map((row, t) => {
        const total = row.reduce((a, b) => a + b, 0) || 1;
        return row.map((n, p) => {
          const delta = baseline ? n - baseline[t][p] : null;
          const shown = delta ?? n;
          const body = (
            <>
              <rect x={margin + p * cell} y={margin + t * cell} width={cell - 1} height={cell - 1} rx={3} fill={cellFill(t, p, n, total, delta)}>
                <title>{`true ${KMNIST_CLASSES[t].char}, predicted ${KMNIST_CLASSES[p].char}: ${delta === null ? n : `${delta > 0 ? "+" : ""}${delta}`}`}</title>
              </rect>
              {shown !== 0 && (
                <text
                  x={margin + p * cell + cell / 2}
                  y={margin + t * cell + cell / 2 + 3}
                  textAnchor="middle"
                  className="fill-foreground text-[8px] tabular-nums"
                >
                  {delta !== null && delta > 0 ? `+${delta}` : shown}
                </text>
              )}
            </>
          );
          return cellLink && n > 0 ? (
            <a key={`${t}-${p}`} href={`${cellLink}?actual=${t}&predicted=${p}`} data-testid={`confusion-cell-${t}-${p}`} className="hover:opacity-80">
              {body}
            </a>
          ) : (
            <g key={`${t}-${p}`}>{body}</g>
          );
        });
      })}
    </svg>
  );
}
