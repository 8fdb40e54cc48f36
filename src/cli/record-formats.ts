// Per-record output lines for the streaming formats.

import type { DetectionRecord } from '../detect/report.ts';

export const CSV_HEADER = 'row,score,anomaly,confidence,severity,label,category,feature1,share1,feature2,share2,feature3,share3';

export function csvLine(r: DetectionRecord): string {
  const f = r.topFeatures;
  const cells = [
    r.row, r.score, r.anomaly ? 1 : 0, r.confidence, r.severity, r.label ?? '', r.category ?? '',
    f[0]?.feature ?? '', f[0]?.share ?? '', f[1]?.feature ?? '', f[1]?.share ?? '', f[2]?.feature ?? '', f[2]?.share ?? '',
  ];
  return cells.map((c) => csvCell(String(c))).join(',');
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
