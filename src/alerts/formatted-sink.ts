// An AlertSink made of a format and a channel: render each alert to one
// message, hand it to the channel.

import type { DetectionRecord } from '../detect/report.ts';
import type { AlertContext } from './context.ts';
import type { AlertFormat } from './formats.ts';
import type { AlertSink, AlertSinkStats, MessageChannel } from './sink.ts';
import type { SuppressionSummary } from './suppression.ts';

export class FormattedSink implements AlertSink {
  private written = 0;

  /**
   * @param ctx context without `now`: a long-running sink stamps each alert with clock().
   * @param clock ms since the epoch; injected by tests.
   */
  constructor(
    readonly name: string,
    private readonly format: AlertFormat,
    private readonly channel: MessageChannel,
    private readonly ctx: Omit<AlertContext, 'now'>,
    private readonly clock: () => number = Date.now,
  ) {}

  write(record: DetectionRecord): void {
    this.written++;
    this.channel.send(this.format.alert(record, { ...this.ctx, now: new Date(this.clock()) }));
  }

  writeSuppression(summary: SuppressionSummary): void {
    this.written++;
    this.channel.send(this.format.suppression(summary, { ...this.ctx, now: new Date(this.clock()) }));
  }

  flush(): Promise<void> {
    return this.channel.flush();
  }

  close(): Promise<void> {
    return this.channel.close();
  }

  stats(): AlertSinkStats {
    return { written: this.written, ...this.channel.stats() };
  }
}
