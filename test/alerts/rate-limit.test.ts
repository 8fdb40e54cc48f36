import { describe, expect, it } from 'vitest';
import { parseRateLimit, RateLimiter } from '../../src/alerts/rate-limiter.ts';
import { RateLimitedSink } from '../../src/alerts/rate-limited-sink.ts';
import type { AlertSink } from '../../src/alerts/sink.ts';
import { suppressionText, type SuppressionSummary } from '../../src/alerts/suppression.ts';
import type { DetectionRecord } from '../../src/detect/report.ts';
import { KDD_RECORD, withSrc } from './fixtures.ts';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function recordingSink(): AlertSink & { alerts: DetectionRecord[]; summaries: SuppressionSummary[] } {
  const alerts: DetectionRecord[] = [], summaries: SuppressionSummary[] = [];
  return {
    name: 'memory', alerts, summaries,
    write: (r) => alerts.push(r),
    writeSuppression: (s) => summaries.push(s),
    flush: async () => {},
    close: async () => {},
    stats: () => ({ written: alerts.length + summaries.length, delivered: alerts.length + summaries.length, dropped: {}, pending: 0 }),
  };
}

describe('rate limiting', () => {
  it('lets N alerts per source through per window, then one summary for the rest', () => {
    const clock = fakeClock();
    const inner = recordingSink();
    const sink = new RateLimitedSink(inner, new RateLimiter({ max: 10, windowMs: 60_000, now: clock.now }), { sweepIntervalMs: 0 });
    for (let i = 0; i < 1253; i++) {
      sink.write(withSrc('127.0.0.66', i === 500 ? 'Critical' : 'Medium'));
      clock.advance(10); // 12.5 s in all, inside one window
    }
    sink.write(withSrc('10.1.1.1'));
    expect(inner.alerts.filter((r) => r.src === '127.0.0.66')).toHaveLength(10);
    expect(inner.alerts.filter((r) => r.src === '10.1.1.1')).toHaveLength(1);
    expect(inner.summaries).toHaveLength(0); // not before the window ends

    clock.advance(60_000);
    sink.sweep();
    expect(inner.summaries).toHaveLength(1);
    expect(suppressionText(inner.summaries[0])).toBe('127.0.0.66: 1,243 more alerts suppressed in the last 60 s, max severity Critical');
    sink.sweep();
    expect(inner.summaries).toHaveLength(1); // once per window
    expect(sink.stats()).toMatchObject({ written: 1254, dropped: { 'rate-limited': 1243 } });
  });

  it('opens a fresh window after the old one ends, summarising the old one first', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ max: 2, windowMs: 1000, now: clock.now });
    const r = withSrc('192.0.2.1', 'Low');
    expect([limiter.check(r).pass, limiter.check(r).pass, limiter.check(r).pass]).toEqual([true, true, false]);
    clock.advance(999);
    expect(limiter.check(r).pass).toBe(false);
    clock.advance(1);
    const next = limiter.check(r);
    expect(next.pass).toBe(true);
    expect(next.summaries).toEqual([{ key: '192.0.2.1', suppressed: 2, maxSeverity: 'Low', windowStart: 1_000_000, seconds: 1, at: 1_001_000 }]);
  });

  it('limits per source → destination pair when asked', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ max: 1, windowMs: 1000, by: 'pair', now: clock.now });
    expect(limiter.check(withSrc('a', 'High', 'x')).pass).toBe(true);
    expect(limiter.check(withSrc('a', 'High', 'y')).pass).toBe(true);
    expect(limiter.check(withSrc('a', 'High', 'x')).pass).toBe(false);
    clock.advance(1000);
    expect(limiter.sweep().map((s) => s.key)).toEqual(['a → x']);
  });

  it('never limits records without a source address (KDD files)', () => {
    const limiter = new RateLimiter({ max: 1, windowMs: 1000, now: () => 0 });
    for (let i = 0; i < 5; i++) expect(limiter.check(KDD_RECORD).pass).toBe(true);
  });

  it('summarises partial windows on close with the time they really cover', async () => {
    const clock = fakeClock();
    const inner = recordingSink();
    const sink = new RateLimitedSink(inner, new RateLimiter({ max: 1, windowMs: 60_000, now: clock.now }), { sweepIntervalMs: 0 });
    sink.write(withSrc('198.51.100.7'));
    sink.write(withSrc('198.51.100.7', 'Critical'));
    clock.advance(23_000);
    await sink.close();
    expect(inner.summaries.map(suppressionText)).toEqual(['198.51.100.7: 1 more alert suppressed in the last 23 s, max severity Critical']);
  });

  it('bounds the keys it tracks, closing the oldest window early', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ max: 1, windowMs: 60_000, maxKeys: 2, now: clock.now });
    limiter.check(withSrc('a'));
    limiter.check(withSrc('a'));
    limiter.check(withSrc('b'));
    clock.advance(5000);
    const d = limiter.check(withSrc('c'));
    expect(limiter.trackedKeys).toBe(2);
    expect(d.summaries.map((s) => [s.key, s.suppressed, s.seconds])).toEqual([['a', 1, 5]]);
  });

  it('parses limits like 10/60s and 100/1h:pair, with clear errors', () => {
    expect(parseRateLimit('10/60s')).toEqual({ max: 10, windowMs: 60_000, by: 'src' });
    expect(parseRateLimit('100/1h:pair')).toEqual({ max: 100, windowMs: 3_600_000, by: 'pair' });
    expect(parseRateLimit('5/500ms')).toEqual({ max: 5, windowMs: 500, by: 'src' });
    expect(() => parseRateLimit('10 per minute')).toThrow(/not understood.*10\/60s/);
    expect(() => parseRateLimit('0/60s')).toThrow(/at least 1/);
    expect(() => new RateLimiter({ max: 0, windowMs: 1 })).toThrow(/at least 1/);
  });
});
