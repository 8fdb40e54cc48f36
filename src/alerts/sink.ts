// The one interface every alert destination implements, whatever its format
// and transport, so that the CLI and the server can hold a list of them.

import type { DetectionRecord } from '../detect/report.ts';
import type { SuppressionSummary } from './suppression.ts';

/** An honest account of what happened to the alerts written to a sink. */
export interface AlertSinkStats {
  /** Alerts and summaries handed to write()/writeSuppression(). */
  written: number;
  /**
   * Handed on successfully: written to the stream, sent as a datagram or on a socket, or
   * acknowledged with a 2xx by the webhook. Only the webhook confirms receipt; syslog over
   * UDP or TCP has no acknowledgement (RFC 5426, RFC 6587), so "delivered" means "sent".
   */
  delivered: number;
  /** Lost, by reason (queue-full, rejected, retries-exhausted, deadline, send-error, closed, …). */
  dropped: Record<string, number>;
  /** Accepted but not delivered yet. */
  pending: number;
  /** The most recent failure, for a log line. */
  lastError?: string;
}

export interface AlertSink {
  /** The spec it was made from ("ecs:-", "syslog:udp://127.0.0.1:514"), for logs and metrics labels. */
  readonly name: string;
  /** Queue one alert. Never throws for transport failures: those are counted in stats(). */
  write(record: DetectionRecord): void;
  /** Queue a rate limiter's summary in place of suppressed alerts. */
  writeSuppression(summary: SuppressionSummary): void;
  /** Resolves once everything queued so far has been handed on (or dropped). */
  flush(): Promise<void>;
  /** Flushes (within the sink's deadline), then releases sockets, files and timers. */
  close(): Promise<void>;
  stats(): AlertSinkStats;
}

/** Total alerts dropped for any reason. */
export function totalDropped(s: AlertSinkStats): number {
  return Object.values(s.dropped).reduce((a, b) => a + b, 0);
}

/** Where formatted messages go: a stream of lines, a syslog socket, a webhook. */
export interface MessageChannel {
  send(message: string): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): Omit<AlertSinkStats, 'written'>;
}
