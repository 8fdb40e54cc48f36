// Syslog over a stream socket (TCP, or a Unix stream socket), framed per RFC 6587,
// that survives the collector going away: messages wait in a bounded queue
// (oldest dropped first, counted) while it reconnects with capped exponential backoff.
//
// Node has no Unix *datagram* sockets, and /dev/log is one on most Linux systems
// (systemd-journald, rsyslog imuxsock): connecting to it fails with EPROTOTYPE. Use a
// stream socket (syslog-ng's unix-stream() source) or UDP to 127.0.0.1 instead.

import { connect, type Socket } from 'node:net';
import type { DeliveryErrorHook } from './delivery-failure.ts';
import type { MessageChannel } from './sink.ts';
import { frame, type SyslogFraming } from './syslog-url.ts';

export type StreamEndpoint = { host: string; port: number } | { path: string };

export interface StreamChannelOptions {
  framing: SyslogFraming;
  /** Messages kept while disconnected; beyond this the oldest is dropped. Default 10,000. */
  maxQueued?: number;
  /** First reconnect delay; doubles up to reconnectMaxMs. Defaults 250 ms and 30 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How long flush() waits for the queue to empty before giving up (messages stay queued). Default 5 s. */
  flushTimeoutMs?: number;
  /** How long close() waits; what is still queued then is dropped as "closed". Default 5 s. */
  closeTimeoutMs?: number;
  /** Told about connection failures (for a log line); the channel keeps retrying. */
  onError?: DeliveryErrorHook;
  random?: () => number;
}

export class StreamChannel implements MessageChannel {
  private socket: Socket | null = null;
  private connected = false;
  private closing = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Framed messages not yet written to the socket. */
  private queue: Buffer[] = [];
  /** Written to the socket, waiting for their write callbacks, in order. */
  private inSocket: Buffer[] = [];
  private delivered = 0;
  private dropped: Record<string, number> = {};
  private lastError: string | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly opts: Required<Omit<StreamChannelOptions, 'onError'>> & Pick<StreamChannelOptions, 'onError'>;

  constructor(private readonly endpoint: StreamEndpoint, opts: StreamChannelOptions) {
    this.opts = {
      maxQueued: 10_000, reconnectMinMs: 250, reconnectMaxMs: 30_000, flushTimeoutMs: 5_000, closeTimeoutMs: 5_000,
      random: Math.random, ...opts,
    };
    this.open();
  }

  /** "tcp://host:port" or "unix:///path", for messages. */
  get where(): string {
    return 'path' in this.endpoint ? `unix://${this.endpoint.path}` : `tcp://${this.endpoint.host}:${this.endpoint.port}`;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  send(message: string): void {
    if (this.closing) return this.drop('closed');
    this.queue.push(frame(message, this.opts.framing));
    this.trimQueue();
    this.pump();
  }

  async flush(): Promise<void> {
    await this.waitIdle(this.opts.flushTimeoutMs);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    await this.waitIdle(this.opts.closeTimeoutMs);
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const left = this.queue.length + this.inSocket.length;
    if (left > 0) this.drop('closed', left);
    this.queue = [];
    this.inSocket = [];
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref(); // a peer that never closes its side
      });
    }
    this.wakeIdle();
  }

  stats() {
    return {
      delivered: this.delivered, dropped: { ...this.dropped }, pending: this.queue.length + this.inSocket.length,
      lastError: this.lastError,
    };
  }

  private open(): void {
    const socket = 'path' in this.endpoint ? connect({ path: this.endpoint.path }) : connect({ host: this.endpoint.host, port: this.endpoint.port });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.attempt = 0;
      if ('host' in this.endpoint) socket.setKeepAlive(true, 30_000);
      this.pump();
    });
    socket.on('drain', () => this.pump());
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
    socket.on('close', () => this.onClose(socket));
    // A collector does not talk back; reading keeps the socket from stalling if one does.
    socket.resume();
  }

  private fail(err: NodeJS.ErrnoException): void {
    const hint = err.code === 'EPROTOTYPE'
      ? ' — it is a datagram socket, which Node cannot write to; use syslog:udp://127.0.0.1:514 or a stream socket'
      : '';
    this.lastError = `syslog ${this.where}: ${err.message}${hint}`;
    this.opts.onError?.(this.lastError, {
      sink: 'syslog', target: this.where, error: `${err.message}${hint}`, code: err.code, alerts: this.queue.length + this.inSocket.length, outcome: 'reconnecting',
    });
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.connected = false;
    this.socket = null;
    // Messages still in Node's buffer never reached the kernel: send them again after reconnecting.
    if (this.inSocket.length) {
      this.queue = this.inSocket.concat(this.queue);
      this.inSocket = [];
      this.trimQueue();
    }
    if (this.closing) return;
    const ceiling = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectMinMs * 2 ** this.attempt);
    this.attempt++;
    const delay = ceiling / 2 + (this.opts.random() * ceiling) / 2; // jitter, so that many senders do not reconnect in step
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closing) this.open();
    }, delay);
  }

  private pump(): void {
    const socket = this.socket;
    while (this.connected && socket && this.queue.length && !socket.writableNeedDrain) {
      const buf = this.queue.shift()!;
      this.inSocket.push(buf);
      socket.write(buf, (err) => {
        if (err) return; // 'close' requeues what is left in inSocket
        if (this.inSocket[0] !== buf) return; // already requeued after a disconnect
        this.inSocket.shift();
        this.delivered++;
        this.wakeIdle();
      });
    }
    this.wakeIdle();
  }

  private trimQueue(): void {
    const excess = this.queue.length - this.opts.maxQueued;
    if (excess > 0) {
      this.queue.splice(0, excess);
      this.drop('queue-full', excess);
    }
  }

  private waitIdle(timeoutMs: number): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiter = (): void => done();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(waiter);
    });
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inSocket.length === 0;
  }

  private wakeIdle(): void {
    if (this.isIdle() || this.closing) for (const w of this.idleWaiters.splice(0)) w();
  }

  private drop(reason: string, n = 1): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
  }
}
