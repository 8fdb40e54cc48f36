// Alerts POSTed as JSON batches — {"alerts":[…]} — to an HTTP(S) endpoint, with
// retries, capped exponential backoff with jitter, a timeout per attempt and a
// bounded queue. One batch is in flight at a time, so alerts arrive in order.

import type { DeliveryErrorHook, DeliveryFailure } from './delivery-failure.ts';
import type { MessageChannel } from './sink.ts';

export interface WebhookOptions {
  /** Alerts per POST; default 100. */
  batchSize?: number;
  /** A partial batch is sent this long after its first alert; default 1 s. */
  flushIntervalMs?: number;
  /** Alerts waiting to be sent; beyond this the oldest is dropped ("queue-full"). Default 10,000. */
  maxQueued?: number;
  /** Attempts per batch, the first included; default 5. */
  maxAttempts?: number;
  /** Backoff before the 2nd attempt; doubles per attempt up to backoffMaxMs. Defaults 500 ms and 30 s. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Per attempt, response body included; default 10 s. */
  timeoutMs?: number;
  /** close() gives up after this long; undelivered alerts are dropped as "deadline". Default 10 s. */
  closeTimeoutMs?: number;
  /** Extra request headers (e.g. authorization). */
  headers?: Record<string, string>;
  /** Told about each failed attempt, for a log line, with what happens next. */
  onError?: DeliveryErrorHook;
  fetch?: typeof fetch;
  random?: () => number;
}

interface Queued {
  seq: number;
  json: string;
}

/** HTTP statuses worth retrying: the server may accept the same batch later. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class WebhookChannel implements MessageChannel {
  private queue: Queued[] = [];
  private seq = 0;
  /** Every alert up to this sequence number has been delivered or dropped. */
  private settled = 0;
  /** Send partial batches up to this sequence number now (flush, timer, close). */
  private flushUpTo = 0;
  private inFlight = 0;
  private sending = false;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly deadline = new AbortController();
  private waiters: { seq: number; resolve: () => void }[] = [];
  private delivered = 0;
  private dropped: Record<string, number> = {};
  private lastError: string | undefined;
  private attempts = 0;
  private retries = 0;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly o: Required<Omit<WebhookOptions, 'onError' | 'headers'>> & Pick<WebhookOptions, 'onError'>;

  constructor(url: string, opts: WebhookOptions = {}) {
    const parsed = new URL(url);
    this.headers = { 'content-type': 'application/json', 'user-agent': 'anomalyze', ...opts.headers };
    // fetch refuses URLs with credentials; send them as Basic authentication instead.
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username), pass = decodeURIComponent(parsed.password);
      this.headers.authorization ??= `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    this.url = parsed.href;
    this.o = {
      batchSize: 100, flushIntervalMs: 1000, maxQueued: 10_000, maxAttempts: 5, backoffMinMs: 500, backoffMaxMs: 30_000,
      timeoutMs: 10_000, closeTimeoutMs: 10_000, fetch: globalThis.fetch, random: Math.random, ...opts,
    };
  }

  send(json: string): void {
    if (this.closing) return this.drop('closed');
    this.queue.push({ seq: ++this.seq, json });
    const excess = this.queue.length - this.o.maxQueued;
    if (excess > 0) this.settle(this.queue.splice(0, excess), 'queue-full');
    if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushUpTo = this.seq;
        void this.run();
      }, this.o.flushIntervalMs);
    }
    void this.run();
  }

  /** Resolves when everything sent so far is delivered or dropped (retries included). */
  flush(): Promise<void> {
    this.flushUpTo = this.seq;
    const p = this.until(this.seq);
    void this.run();
    return p;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const deadline = setTimeout(() => this.deadline.abort(), this.o.closeTimeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(deadline);
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
  }

  stats() {
    return {
      delivered: this.delivered, dropped: { ...this.dropped }, pending: this.queue.length + this.inFlight, lastError: this.lastError,
    };
  }

  /** POST attempts made and how many of them were retries. */
  requestStats(): { attempts: number; retries: number } {
    return { attempts: this.attempts, retries: this.retries };
  }

  private async run(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length >= this.o.batchSize || (this.queue.length > 0 && this.queue[0].seq <= this.flushUpTo)) {
        if (this.deadline.signal.aborted) {
          this.settle(this.queue.splice(0), 'deadline');
          break;
        }
        const batch = this.queue.splice(0, this.o.batchSize);
        this.inFlight = batch.length;
        const outcome = await this.deliver(batch);
        this.inFlight = 0;
        this.settle(batch, outcome);
      }
    } finally {
      this.sending = false;
    }
    // Alerts that arrived while sending wait for their own timer.
    if (this.queue.length && !this.timer && !this.closing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushUpTo = this.seq;
        void this.run();
      }, this.o.flushIntervalMs);
    }
  }

  /** 'delivered', or the reason the batch was dropped. */
  private async deliver(batch: Queued[]): Promise<string> {
    const body = `{"alerts":[${batch.map((q) => q.json).join(',')}]}`;
    for (let attempt = 1; ; attempt++) {
      this.attempts++;
      if (attempt > 1) this.retries++;
      let retryAfterMs: number | undefined;
      let failure: { error: string; status?: number; code?: string };
      let retryable = true;
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.deadline.signal]);
        const res = await this.o.fetch(this.url, { method: 'POST', headers: this.headers, body, signal });
        const text = await res.text().catch(() => '');
        if (res.ok) return 'delivered';
        failure = { error: `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`, status: res.status };
        retryable = RETRYABLE.has(res.status);
        retryAfterMs = retryAfter(res.headers.get('retry-after'));
      } catch (err) {
        if (this.deadline.signal.aborted) return 'deadline';
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const why = e.name === 'TimeoutError' ? `no response within ${this.o.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
        failure = { error: why, code: e.cause?.code };
      }
      const outcome = !retryable ? 'rejected' : attempt >= this.o.maxAttempts ? 'retries-exhausted' : 'retrying';
      let wait: number | undefined;
      if (outcome === 'retrying') {
        const ceiling = Math.min(this.o.backoffMaxMs, this.o.backoffMinMs * 2 ** (attempt - 1));
        const jittered = ceiling / 2 + (this.o.random() * ceiling) / 2;
        wait = Math.min(this.o.backoffMaxMs, Math.max(jittered, retryAfterMs ?? 0));
      }
      this.fail(`webhook ${this.url}: ${failure.error}`, {
        sink: 'webhook', target: this.url, ...failure, attempt, maxAttempts: this.o.maxAttempts, alerts: batch.length, outcome,
        ...(wait !== undefined ? { retryInMs: Math.round(wait) } : {}),
      });
      if (wait === undefined) return outcome;
      if (!(await sleep(wait, this.deadline.signal))) return 'deadline';
    }
  }

  private settle(batch: Queued[], outcome: string): void {
    if (batch.length === 0) return;
    if (outcome === 'delivered') this.delivered += batch.length;
    else this.drop(outcome, batch.length);
    this.settled = Math.max(this.settled, batch[batch.length - 1].seq);
    this.waiters = this.waiters.filter((w) => {
      if (w.seq > this.settled) return true;
      w.resolve();
      return false;
    });
  }

  private until(seq: number): Promise<void> {
    if (seq <= this.settled) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  private fail(message: string, failure: DeliveryFailure): void {
    this.lastError = message;
    this.o.onError?.(message, failure);
  }

  private drop(reason: string, n = 1): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
  }
}

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** false when aborted. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
