import { describe, expect, it } from 'vitest';
import { histogram } from '../../src/metrics/histogram.ts';

describe('histogram', () => {
  it('bins over the data range, max in the last bin', () => {
    const h = histogram([0, 1, 2, 3, 4, 4], 4);
    expect(h.edges).toEqual([0, 1, 2, 3, 4]);
    expect(h.counts).toEqual([1, 1, 1, 3]);
  });

  it('explicit bounds skip values outside and non-finite values', () => {
    const h = histogram(Float32Array.from([-1, 0.05, 0.5, 0.95, 2, NaN, Infinity]), 2, 0, 1);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([1, 2]);
  });

  it('constant data still gives finite edges', () => {
    const h = histogram([3, 3, 3], 3);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(h.edges.every(Number.isFinite)).toBe(true);
    expect(histogram([], 5).counts).toEqual([0, 0, 0, 0, 0]);
  });

  it('log scale bins log10(value) and skips values <= 0', () => {
    const h = histogram([0.01, 0.1, 1, 10, 100, 0, -5], 4, { log: true });
    expect(h.edges.map((e) => Math.round(Math.log10(e) * 1e9) / 1e9)).toEqual([-2, -1, 0, 1, 2]);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    const b = histogram([5, 50, 500], 2, 1, 1000, { log: true });
    expect(b.counts).toEqual([1, 2]);
  });

  it('rejects bins < 1', () => {
    expect(() => histogram([1], 0)).toThrow(RangeError);
  });
});
