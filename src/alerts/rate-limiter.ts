// At most N alerts per key (source address, or source → destination pair) per
// fixed window; the rest are counted and summarised once when the window ends.
// Pure decision logic with an injectable clock: RateLimitedSink applies it.

import type { DetectionRecord } from '../detect/report.ts';
import type { Severity } from '../model/scoring.ts';
import { maxSeverity } from './severity-map.ts';
import type { SuppressionSummary } from './suppression.ts';

export type RateLimitKey = 'src' | 'pair';

export interface RateLimitOptions {
  /** Alerts let through per key and window. */
  max: number;
  windowMs: number;
  /** Limit per source address (default) or per source → destination pair. */
  by?: RateLimitKey;
  /** Keys tracked at once; the oldest window is closed early beyond this. Default 10,000. */
  maxKeys?: number;
  /** ms since the epoch; injected by tests. */
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
  suppressed: number;
  maxSeverity: Severity;
}

export interface RateDecision {
  pass: boolean;
  /** Summaries of windows that ended before this alert: emit them first. */
  summaries: SuppressionSummary[];
}

export class RateLimiter {
  // Insertion order is window-start order: a key is re-inserted when its new window opens.
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly by: RateLimitKey;
  private readonly maxKeys: number;

  constructor(private readonly opts: RateLimitOptions) {
    if (!(Number.isInteger(opts.max) && opts.max >= 1)) throw new RangeError(`Rate limit: at least 1 alert per window is needed, got ${opts.max}.`);
    if (!(opts.windowMs > 0)) throw new RangeError(`Rate limit: the window must be longer than 0 ms, got ${opts.windowMs}.`);
    this.now = opts.now ?? Date.now;
    this.by = opts.by ?? 'src';
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** The key a record is limited under; null (never limited) when it has no source address, as in KDD files. */
  keyOf(r: DetectionRecord): string | null {
    if (r.src === undefined) return null;
    return this.by === 'pair' ? `${r.src} → ${r.dst ?? '?'}` : r.src;
  }

  check(r: DetectionRecord): RateDecision {
    const now = this.now();
    const summaries = this.sweep(now);
    const key = this.keyOf(r);
    if (key === null) return { pass: true, summaries };
    let w = this.windows.get(key);
    if (!w) {
      if (this.windows.size >= this.maxKeys) this.evictOldest(now, summaries);
      w = { start: now, count: 0, suppressed: 0, maxSeverity: 'Normal' };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.opts.max) return { pass: true, summaries };
    w.suppressed++;
    w.maxSeverity = maxSeverity(w.maxSeverity, r.severity);
    return { pass: false, summaries };
  }

  /** Close the windows that have ended by `now`; summaries for those that suppressed anything. */
  sweep(now = this.now()): SuppressionSummary[] {
    const out: SuppressionSummary[] = [];
    for (const [key, w] of this.windows) {
      if (now < w.start + this.opts.windowMs) break; // later windows started later still
      this.windows.delete(key);
      if (w.suppressed > 0) out.push(this.summary(key, w, this.opts.windowMs, now));
    }
    return out;
  }

  /** Close every window now (at shutdown), summarising the partial ones too. */
  drain(now = this.now()): SuppressionSummary[] {
    const out = this.sweep(now);
    for (const [key, w] of this.windows) {
      if (w.suppressed > 0) out.push(this.summary(key, w, now - w.start, now));
    }
    this.windows.clear();
    return out;
  }

  get trackedKeys(): number {
    return this.windows.size;
  }

  private evictOldest(now: number, out: SuppressionSummary[]): void {
    const first = this.windows.entries().next();
    if (first.done) return;
    const [key, w] = first.value;
    this.windows.delete(key);
    if (w.suppressed > 0) out.push(this.summary(key, w, now - w.start, now));
  }

  private summary(key: string, w: Window, spanMs: number, now: number): SuppressionSummary {
    return { key, suppressed: w.suppressed, maxSeverity: w.maxSeverity, windowStart: w.start, seconds: Math.max(1, Math.round(spanMs / 1000)), at: now };
  }
}

/**
 * "10/60s", "10/1m", "100/1h:pair" → options. The number of alerts, a slash, the window
 * (ms, s, m or h) and optionally ":src" (the default) or ":pair".
 */
export function parseRateLimit(text: string): Pick<RateLimitOptions, 'max' | 'windowMs' | 'by'> {
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*(?::\s*(src|pair))?\s*$/.exec(text);
  if (!m) {
    throw new Error(`Rate limit "${text}" is not understood. Write alerts/window[:src|:pair], e.g. 10/60s (10 alerts per source per minute) or 100/1h:pair.`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 'ms' | 's' | 'm' | 'h'];
  const max = Number(m[1]);
  const windowMs = Number(m[2]) * unit;
  if (max < 1) throw new Error(`Rate limit "${text}": allow at least 1 alert per window (0 would suppress everything).`);
  if (windowMs <= 0) throw new Error(`Rate limit "${text}": the window must be longer than 0.`);
  return { max, windowMs, by: (m[4] as RateLimitKey | undefined) ?? 'src' };
}
