// Per-record output lines for the streaming formats.

import type { DetectionRecord } from '../detect/report.ts';

export const CSV_HEADER = 'row,score,anomaly,confidence,severity,label,category,feature1,share1,feature2,share2,feature3,share3';
/** Columns added after `row` when the input carries connection identities (pcap, Zeek, flow CSVs); warmup is 1 for a row whose traffic windows were still filling. */
export const CSV_IDENTITY_COLUMNS = 'time,protocol,src,srcPort,dst,dstPort,duration,warmup';

export const csvHeader = (withIdentity: boolean): string =>
  withIdentity ? CSV_HEADER.replace('row,', `row,${CSV_IDENTITY_COLUMNS},`) : CSV_HEADER;

/** Whether a record carries identity fields (all records of one input do, or none). */
export const hasIdentity = (r: DetectionRecord): boolean => r.time !== undefined || r.src !== undefined;

export function csvLine(r: DetectionRecord, withIdentity = false): string {
  const f = r.topFeatures;
  const id = withIdentity ? [r.time ?? '', r.protocol ?? '', r.src ?? '', r.srcPort ?? '', r.dst ?? '', r.dstPort ?? '', r.duration ?? '', r.warmup ? 1 : 0] : [];
  const cells = [
    r.row, ...id, r.score, r.anomaly ? 1 : 0, r.confidence, r.severity, r.label ?? '', r.category ?? '',
    f[0]?.feature ?? '', f[0]?.share ?? '', f[1]?.feature ?? '', f[1]?.share ?? '', f[2]?.feature ?? '', f[2]?.share ?? '',
  ];
  return cells.map((c) => csvCell(String(c))).join(',');
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
