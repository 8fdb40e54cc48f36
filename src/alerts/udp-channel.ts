// Syslog over UDP (RFC 5426): one message per datagram, fire and forget.
// "delivered" counts datagrams the kernel accepted; nothing confirms receipt.

import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { DeliveryErrorHook } from './delivery-failure.ts';
import type { MessageChannel } from './sink.ts';

export class UdpChannel implements MessageChannel {
  private readonly socket: Socket;
  private delivered = 0;
  private dropped: Record<string, number> = {};
  private inFlight = 0;
  private lastError: string | undefined;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Whether the last datagram failed: one log line per run of failures, not one per alert. */
  private failing = false;

  /** A hostname is resolved by dgram for each datagram; IPv6 needs a literal address. */
  constructor(private readonly host: string, private readonly port: number, private readonly onError?: DeliveryErrorHook) {
    this.socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('error', (err) => { this.lastError = err.message; });
  }

  send(message: string): void {
    if (this.closed) return this.drop('closed');
    this.inFlight++;
    this.socket.send(Buffer.from(message, 'utf8'), this.port, this.host, (err) => {
      this.inFlight--;
      if (err) {
        // EMSGSIZE for messages over the datagram limit (~64 KiB), DNS errors, unreachable networks.
        this.lastError = `syslog over UDP to ${this.host}:${this.port}: ${err.message}`;
        this.drop('send-error');
        if (!this.failing) {
          this.onError?.(this.lastError, {
            sink: 'syslog', target: `udp://${this.host}:${this.port}`, error: err.message, code: (err as NodeJS.ErrnoException).code, alerts: 1, outcome: 'dropped',
          });
        }
        this.failing = true;
      } else {
        this.delivered++;
        this.failing = false;
      }
      if (this.inFlight === 0) for (const done of this.idle.splice(0)) done();
    });
  }

  flush(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  stats() {
    return { delivered: this.delivered, dropped: { ...this.dropped }, pending: this.inFlight, lastError: this.lastError };
  }

  private drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }
}
