// Several sinks behind one (several --alerts options): every alert goes to each.

import type { DetectionRecord } from '../detect/report.ts';
import type { AlertSink, AlertSinkStats } from './sink.ts';
import type { SuppressionSummary } from './suppression.ts';

export class FanoutSink implements AlertSink {
  readonly name: string;

  constructor(readonly sinks: AlertSink[]) {
    this.name = sinks.map((s) => s.name).join(', ');
  }

  write(record: DetectionRecord): void {
    for (const s of this.sinks) s.write(record);
  }

  writeSuppression(summary: SuppressionSummary): void {
    for (const s of this.sinks) s.writeSuppression(summary);
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }

  /** Closes every sink even if one fails; then reports the first failure. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Summed over the sinks (an alert sent to two sinks counts twice); see perSink() for each. */
  stats(): AlertSinkStats {
    const total: AlertSinkStats = { written: 0, delivered: 0, dropped: {}, pending: 0 };
    for (const s of this.sinks) {
      const x = s.stats();
      total.written += x.written;
      total.delivered += x.delivered;
      total.pending += x.pending;
      for (const [k, v] of Object.entries(x.dropped)) total.dropped[k] = (total.dropped[k] ?? 0) + v;
      total.lastError = x.lastError ?? total.lastError;
    }
    return total;
  }

  perSink(): { name: string; stats: AlertSinkStats }[] {
    return this.sinks.map((s) => ({ name: s.name, stats: s.stats() }));
  }
}
