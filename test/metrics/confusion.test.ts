import { describe, expect, it } from 'vitest';
import { confusionFrom, rates } from '../../src/metrics/confusion.ts';

describe('confusion', () => {
  it('counts the four cells', () => {
    const pred = Uint8Array.from([1, 1, 0, 0, 1, 0, 2]);
    const truth = Uint8Array.from([1, 0, 0, 1, 1, 0, 0]);
    expect(confusionFrom(pred, truth)).toEqual({ tp: 2, fp: 2, tn: 2, fn: 1 });
  });

  it('rejects mismatched lengths', () => {
    expect(() => confusionFrom(new Uint8Array(2), new Uint8Array(3))).toThrow(RangeError);
  });

  it('computes the rates', () => {
    const r = rates({ tp: 8, fp: 2, tn: 85, fn: 5 });
    expect(r.accuracy).toBeCloseTo(0.93, 12);
    expect(r.precision).toBeCloseTo(0.8, 12);
    expect(r.recall).toBeCloseTo(8 / 13, 12);
    expect(r.f1).toBeCloseTo((2 * 0.8 * (8 / 13)) / (0.8 + 8 / 13), 12);
    expect(r.fpr).toBeCloseTo(2 / 87, 12);
  });

  it('defines 0/0 as 0', () => {
    expect(rates({ tp: 0, fp: 0, tn: 0, fn: 0 })).toEqual({ accuracy: 0, precision: 0, recall: 0, f1: 0, fpr: 0 });
    const r = rates({ tp: 0, fp: 0, tn: 10, fn: 0 });
    expect(r).toEqual({ accuracy: 1, precision: 0, recall: 0, f1: 0, fpr: 0 });
  });
});
