// Messages as lines on a writable stream (stdout, an alerts file), with a bound
// on what may pile up in memory when the reader is slower than the alerts.

import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { MessageChannel } from './sink.ts';

export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface LineChannelOptions {
  /** Lines are dropped (and counted) while the stream holds more than this unwritten; default 16 MiB. */
  maxBufferedBytes?: number;
  /** End the stream on close() (files: yes; stdout: no). */
  endOnClose?: boolean;
}

export class LineChannel implements MessageChannel {
  private delivered = 0;
  private inFlight = 0;
  private dropped: Record<string, number> = {};
  private lastError: string | undefined;
  private failed = false;
  private closed = false;
  private readonly maxBuffered: number;

  constructor(private readonly stream: Writable, private readonly opts: LineChannelOptions = {}) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    stream.on('error', (err: Error) => {
      this.failed = true;
      this.lastError = err.message;
    });
  }

  send(message: string): void {
    if (this.closed) return this.drop('closed');
    if (this.failed) return this.drop('send-error');
    if (this.stream.writableLength > this.maxBuffered) return this.drop('queue-full');
    this.inFlight++;
    this.stream.write(`${message}\n`, (err) => {
      this.inFlight--;
      if (err) {
        this.failed = true;
        this.lastError = err.message;
        this.drop('send-error');
      } else {
        this.delivered++;
      }
    });
  }

  async flush(): Promise<void> {
    // Nothing buffered is not enough: a synchronous write (a file or a pipe on stdout)
    // still has its callback to come, and stats() would not count it as delivered yet.
    if (this.failed || (this.stream.writableLength === 0 && this.inFlight === 0)) return;
    // An empty write's callback runs after everything queued before it.
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.opts.endOnClose && !this.failed) {
      await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    }
  }

  stats() {
    return { delivered: this.delivered, dropped: { ...this.dropped }, pending: this.inFlight, lastError: this.lastError };
  }

  private drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }
}

/**
 * Open an alerts file for appending (a log shipper tails it), synchronously so that a
 * bad path is reported at start-up rather than at the first alert.
 */
export function openAlertFile(path: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`Cannot open the alerts file ${path} for appending (${e.code ?? e.message}). Check that its directory exists and is writable.`);
  }
  return createWriteStream(path, { fd });
}
