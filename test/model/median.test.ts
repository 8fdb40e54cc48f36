// median() (a member's unit: its median nearest-centroid distance) selects in linear
// time; it must return exactly what sorting gave.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median } from '../../src/model/ensemble.ts';

function sortedMedian(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return m > 0 ? m : 1;
}

describe('median', () => {
  it('equals the sorted middle (or mean of the two middles) bit for bit', () => {
    const value = fc.oneof(fc.float({ noNaN: true, min: 0, max: 1e6 }), fc.constantFrom(0, 1, 2.5, 3), fc.float({ noNaN: true }));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), (xs) => {
      const a = Float32Array.from(xs);
      const before = Float32Array.from(a);
      expect(Object.is(median(a), sortedMedian(a))).toBe(true);
      expect(a).toEqual(before); // the input is not reordered
    }), { numRuns: 2000 });
  });

  it('on large inputs with many ties, and with NaN as the sort orders it', () => {
    const big = Float32Array.from({ length: 100_001 }, (_, i) => ((i * 7919) % 1000) / 7);
    expect(median(big)).toBe(sortedMedian(big));
    expect(median(big.subarray(1))).toBe(sortedMedian(big.subarray(1)));
    const withNaN = Float32Array.of(3, NaN, 1, 2);
    expect(median(withNaN)).toBe(sortedMedian(withNaN));
  });
});
