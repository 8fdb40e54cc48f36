// An AlertSink that applies a RateLimiter in front of another sink: alerts over
// the limit become one summary per key and window instead of a flood.

import type { DetectionRecord } from '../detect/report.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { AlertSink, AlertSinkStats } from './sink.ts';
import type { SuppressionSummary } from './suppression.ts';

export interface RateLimitedSinkOptions {
  /** How often ended windows are summarised when no new alert arrives; default 1 s. 0 disables (tests call sweep()). */
  sweepIntervalMs?: number;
}

export class RateLimitedSink implements AlertSink {
  readonly name: string;
  private written = 0;
  private suppressed = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(private readonly inner: AlertSink, private readonly limiter: RateLimiter, opts: RateLimitedSinkOptions = {}) {
    this.name = inner.name;
    const every = opts.sweepIntervalMs ?? 1000;
    this.timer = every > 0 ? setInterval(() => this.sweep(), every) : null;
    this.timer?.unref(); // the summaries are not a reason to keep the process alive
  }

  write(record: DetectionRecord): void {
    this.written++;
    const { pass, summaries } = this.limiter.check(record);
    for (const s of summaries) this.inner.writeSuppression(s);
    if (pass) this.inner.write(record);
    else this.suppressed++;
  }

  writeSuppression(summary: SuppressionSummary): void {
    this.inner.writeSuppression(summary);
  }

  /** Emit the summaries of windows that have ended. */
  sweep(): void {
    for (const s of this.limiter.sweep()) this.inner.writeSuppression(s);
  }

  async flush(): Promise<void> {
    this.sweep();
    await this.inner.flush();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.limiter.drain()) this.inner.writeSuppression(s);
    await this.inner.close();
  }

  /** Inner sink's stats, with alerts held back by the limit counted under dropped["rate-limited"]. */
  stats(): AlertSinkStats {
    const s = this.inner.stats();
    return { ...s, written: this.written, dropped: { ...s.dropped, 'rate-limited': this.suppressed } };
  }
}
