import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batch } from '../../src/stream/batcher.ts';

/** A hand-fed async source: push() items, end() it. */
function feed<T>() {
  const items: T[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  return {
    push(...xs: T[]) { items.push(...xs); wake?.(); },
    end() { ended = true; wake?.(); },
    async *[Symbol.asyncIterator](): AsyncGenerator<T> {
      for (;;) {
        while (items.length) yield items.shift()!;
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
  };
}

/** Pulls batches in the background into an array. */
function drain<T>(src: AsyncIterable<T[]>) {
  const out: T[][] = [];
  const done = (async () => { for await (const b of src) out.push(b); })();
  return { out, done };
}

describe('batch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('emits a full batch at once, without waiting for the latency bound', async () => {
    const src = feed<number>();
    const { out } = drain(batch(src, { maxSize: 3, maxLatencyMs: 1000 }));
    src.push(1, 2, 3, 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(out).toEqual([[1, 2, 3]]);
  });

  it('emits a partial batch maxLatencyMs after its first item, not before', async () => {
    const src = feed<number>();
    const { out } = drain(batch(src, { maxSize: 100, maxLatencyMs: 1000 }));
    src.push(1);
    await vi.advanceTimersByTimeAsync(600);
    src.push(2);
    await vi.advanceTimersByTimeAsync(399);
    expect(out).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out).toEqual([[1, 2]]);
    // The next batch's clock starts at its own first item.
    await vi.advanceTimersByTimeAsync(5000);
    src.push(3);
    await vi.advanceTimersByTimeAsync(999);
    expect(out).toEqual([[1, 2]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(out).toEqual([[1, 2], [3]]);
  });

  it('defaults to a 1 s latency bound and emits nothing while the source is idle', async () => {
    const src = feed<string>();
    const { out } = drain(batch(src));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(out).toEqual([]);
    src.push('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(out).toEqual([['a']]);
  });

  it('loses nothing across deadlines and flushes the remainder when the source ends', async () => {
    const src = feed<number>();
    const { out, done } = drain(batch(src, { maxSize: 4, maxLatencyMs: 50 }));
    for (let i = 0; i < 30; i++) {
      src.push(i);
      await vi.advanceTimersByTimeAsync(i % 5 === 0 ? 60 : 10);
    }
    src.end();
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(out.flat()).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(out.every((b) => b.length >= 1 && b.length <= 4)).toBe(true);
  });

  it('rejects nonsense sizes', async () => {
    await expect(batch(feed<number>(), { maxSize: 0 }).next()).rejects.toThrow(/maxSize must be a whole number ≥ 1/);
  });
});
