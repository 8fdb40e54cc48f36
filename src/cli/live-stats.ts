// Periodic statistics for a live run (--follow, a pipe on stdin): every interval,
// rows scored and anomalies found (in total and since the last line), the rate,
// how far behind the input is, and the alert sinks' counts — so a detector left
// running for weeks shows it is alive and keeping up without waiting for its summary.

import type { AlertSinkStats } from '../alerts/sink.ts';
import type { LogFields } from '../observe/logger.ts';

export interface LiveStatsSource {
  rows(): number;
  anomalies(): number;
  /** Bytes behind the followed file, or null (stdin, no file yet). */
  lagBytes(): Promise<number | null>;
  alerts(): AlertSinkStats | null;
}

export class LiveStats {
  private timer: NodeJS.Timeout | null = null;
  private lastRows = 0;
  private lastAnomalies = 0;
  private lastAt: number;

  constructor(
    private readonly source: LiveStatsSource,
    private readonly intervalMs: number,
    private readonly emit: (fields: LogFields) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastAt = now();
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => { void this.tick(); }, this.intervalMs);
    this.timer.unref(); // statistics are no reason to keep the process alive
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<void> {
    const rows = this.source.rows();
    const anomalies = this.source.anomalies();
    const at = this.now();
    const seconds = Math.max((at - this.lastAt) / 1000, 1e-3);
    const fields: LogFields = {
      rows, anomalies, intervalSeconds: Math.round(seconds * 10) / 10,
      rowsInInterval: rows - this.lastRows, anomaliesInInterval: anomalies - this.lastAnomalies,
      rowsPerSecond: Math.round((rows - this.lastRows) / seconds),
    };
    const lag = await this.source.lagBytes();
    if (lag !== null) fields.lagBytes = lag;
    const a = this.source.alerts();
    if (a) fields.alerts = alertFields(a);
    this.lastRows = rows;
    this.lastAnomalies = anomalies;
    this.lastAt = at;
    this.emit(fields);
  }
}

/** An alert sink's counts as log fields (rate-limited alerts among the dropped, by reason). */
export function alertFields(s: AlertSinkStats): LogFields {
  return { written: s.written, delivered: s.delivered, dropped: s.dropped, pending: s.pending, ...(s.lastError ? { lastError: s.lastError } : {}) };
}
