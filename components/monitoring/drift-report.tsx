import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DEFAULT_DRIFT_THRESHOLDS, driftLevel, type DriftLevel, type DriftReport, type DriftThresholds } from "@/lib/monitoring";

/** A drift comparison as computed, or as stored in drift_reports (feature names as plain strings). */
type ShownReport = Pick<DriftReport, "maxPsi" | "averagePairwiseDistance"> & {
  features: Array<{ feature: string; label: string; kl: number; hellinger: number; psi: number }>;
};

const LEVEL_VARIANTS = { stable: "success", moderate: "warning", drift: "destructive" } as const;

/** A drift level as a coloured badge. */
export function DriftLevelBadge({ level, title }: { level: DriftLevel; title?: string }) {
  return (
    <Badge variant={LEVEL_VARIANTS[level]} title={title}>
      {level}
    </Badge>
  );
}

/** "stable", "moderate" or "drift", with the figures that decided it in the tooltip. */
export function DriftBadge({ report, thresholds = DEFAULT_DRIFT_THRESHOLDS }: { report: ShownReport; thresholds?: DriftThresholds }) {
  return (
    <DriftLevelBadge
      level={driftLevel(report, thresholds)}
      title={`max PSI ${report.maxPsi.toFixed(3)} (threshold ${thresholds.psi}); pairwise ${report.averagePairwiseDistance.toFixed(3)} (threshold ${thresholds.averagePairwiseDistance})`}
    />
  );
}

/** Every measure for every feature of one comparison, values at or past a threshold marked. */
export function DriftTable({ report, thresholds = DEFAULT_DRIFT_THRESHOLDS }: { report: ShownReport; thresholds?: DriftThresholds }) {
  const pairwiseOver = report.averagePairwiseDistance >= thresholds.averagePairwiseDistance;
  return (
    <div className="overflow-x-auto">
      <Table data-testid="drift-table">
        <TableHeader>
          <TableRow>
            <TableHead>Feature</TableHead>
            <TableHead className="text-right">KL divergence</TableHead>
            <TableHead className="text-right">Hellinger</TableHead>
            <TableHead className="text-right">PSI</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {report.features.map((f) => (
            <TableRow key={f.feature} data-feature={f.feature}>
              <TableCell>{f.label}</TableCell>
              <TableCell className="text-right tabular-nums">{f.kl.toFixed(4)}</TableCell>
              <TableCell className="text-right tabular-nums">{f.hellinger.toFixed(4)}</TableCell>
              <TableCell className={`text-right tabular-nums ${f.psi >= thresholds.psi ? "font-semibold text-destructive" : ""}`}>{f.psi.toFixed(4)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <p className="mt-3 text-sm text-muted-foreground">
        Average pairwise distance of ink mass, box size and centroid (excess over within-set spread, in reference standard deviations):{" "}
        <span className={`tabular-nums ${pairwiseOver ? "font-semibold text-destructive" : "text-foreground"}`} data-testid="pairwise-distance">
          {report.averagePairwiseDistance.toFixed(4)}
        </span>
        . Thresholds: PSI {thresholds.psi}, pairwise {thresholds.averagePairwiseDistance}.
      </p>
    </div>
  );
}
