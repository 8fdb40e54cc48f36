// Short human-readable phrases shared by the formats' message fields.

import type { DetectionRecord } from '../detect/report.ts';

/** "10.0.0.5:4444 → 10.0.0.9:22/tcp", or "row 17" when the record has no identity. */
export function connectionText(r: DetectionRecord): string {
  if (r.src === undefined && r.dst === undefined) return `row ${r.row}`;
  const end = (addr: string | undefined, port: number | undefined) =>
    `${addr === undefined ? '?' : addr.includes(':') && port !== undefined ? `[${addr}]` : addr}${port === undefined ? '' : `:${port}`}`;
  return `${end(r.src, r.srcPort)} → ${end(r.dst, r.dstPort)}${r.protocol ? `/${r.protocol}` : ''}`;
}

/** "Anomalous connection 10.0.0.5:4444 → 10.0.0.9:22/tcp: severity High, score 12.3 (threshold 1.5)" */
export function alertText(r: DetectionRecord, threshold: number): string {
  const what = r.anomaly ? 'Anomalous connection' : 'Connection';
  return `${what} ${connectionText(r)}: severity ${r.severity}, score ${round(r.score)} (threshold ${round(threshold)})`;
}

export function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
}
