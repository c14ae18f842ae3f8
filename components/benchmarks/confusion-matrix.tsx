import { KMNIST_CLASSES } from "@/lib/data/classes";

/** Rows: true class; columns: predicted class. Cell shade is the share of its row. */
export function ConfusionMatrix({ counts }: { counts: number[][] }) {
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
          const share = n / total;
          return (
            <g key={`${t}-${p}`}>
              <rect
                x={margin + p * cell}
                y={margin + t * cell}
                width={cell - 1}
                height={cell - 1}
                rx={3}
                fill={t === p ? `oklch(${0.97 - share * 0.45} 0.12 155)` : n ? `oklch(${0.97 - Math.min(1, share * 4) * 0.35} 0.14 25)` : "var(--color-muted)"}
              >
                <title>{`true ${KMNIST_CLASSES[t].char}, predicted ${KMNIST_CLASSES[p].char}: ${n}`}</title>
              </rect>
              {n > 0 && (
                <text x={margin + p * cell + cell / 2} y={margin + t * cell + cell / 2 + 3} textAnchor="middle" className="fill-foreground text-[8px] tabular-nums">
                  {n}
                </text>
              )}
            </g>
          );
        });
      })}
    </svg>
  );
}
