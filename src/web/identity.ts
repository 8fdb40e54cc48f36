// How a connection identity reads on the page: times in UTC to the millisecond,
// endpoints as addr:port (IPv6 in brackets, as in URLs), no port when the source has none.

import type { DetectionRecord } from '../detect/report.ts';

/** "2025-12-02T10:00:00.050Z" → "2025-12-02 10:00:00.050"; '' when absent. */
export function fmtTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/Z$/, '') : '';
}

export function fmtEndpoint(addr: string | undefined, port: number | undefined): string {
  if (!addr) return port === undefined ? '' : `:${port}`;
  if (port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export const source = (r: DetectionRecord): string => fmtEndpoint(r.src, r.srcPort);
export const destination = (r: DetectionRecord): string => fmtEndpoint(r.dst, r.dstPort);

/** Connection durations are often sub-millisecond: 0.000412 → "0.412 ms", 2.1 → "2.10 s". */
export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${+(seconds * 1000).toPrecision(3)} ms`;
  return seconds < 60 ? `${seconds.toFixed(2)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
