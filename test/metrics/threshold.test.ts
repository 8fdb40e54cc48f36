import { describe, expect, it } from 'vitest';
import { confusionFrom, rates } from '../../src/metrics/confusion.ts';
import { bestF1Threshold } from '../../src/metrics/threshold.ts';
import { countAtLeast, distinctDesc, randomCase } from './helpers.ts';

/** O(n²): try each distinct score as "flag score >= cut". */
function bruteBestF1(scores: ArrayLike<number>, truth: Uint8Array): number {
  const pos = truth.reduce((a, b) => a + b, 0);
  let best = 0;
  for (const cut of distinctDesc(scores)) {
    const { tp, fp } = countAtLeast(scores, truth, cut);
    best = Math.max(best, (2 * tp) / (2 * tp + fp + (pos - tp)));
  }
  return best;
}

function applied(scores: ArrayLike<number>, truth: Uint8Array, threshold: number) {
  const pred = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) pred[i] = scores[i] > threshold ? 1 : 0;
  return rates(confusionFrom(pred, truth));
}

describe('bestF1Threshold', () => {
  it('separable data: threshold halfway between the classes', () => {
    const r = bestF1Threshold([0.1, 0.2, 0.3, 0.7, 0.9], Uint8Array.from([0, 0, 0, 1, 1]));
    expect(r.threshold).toBeCloseTo(0.5, 12);
    expect(r).toMatchObject({ f1: 1, precision: 1, recall: 1 });
  });

  it('flag-all cut stays finite and below the minimum', () => {
    const scores = [1, 2, 3];
    const r = bestF1Threshold(scores, Uint8Array.from([1, 1, 1]));
    expect(r.f1).toBe(1);
    expect(Number.isFinite(r.threshold)).toBe(true);
    expect(r.threshold).toBeLessThan(1);
    const single = bestF1Threshold([4, 4], Uint8Array.from([1, 1]));
    expect(single.threshold).toBeLessThan(4);
  });

  it('no positives: flags nothing', () => {
    const r = bestF1Threshold([1, 5, 3], Uint8Array.from([0, 0, 0]));
    expect(r).toEqual({ threshold: 5, f1: 0, precision: 0, recall: 0 });
  });

  it('matches a brute-force scan on random data with ties', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const { scores, truth } = randomCase(seed * 7919, 30 + seed * 5, 2 + (seed % 15));
      if (!truth.some((t) => t === 1)) continue;
      const r = bestF1Threshold(scores, truth);
      expect(r.f1).toBeCloseTo(bruteBestF1(scores, truth), 12);
      // Applying the threshold with "score > threshold" reproduces the reported numbers.
      const got = applied(scores, truth, r.threshold);
      expect(got.f1).toBeCloseTo(r.f1, 12);
      expect(got.precision).toBeCloseTo(r.precision, 12);
      expect(got.recall).toBeCloseTo(r.recall, 12);
      // Strictly between two distinct scores, not on one.
      expect(Array.from(scores)).not.toContain(r.threshold);
    }
  });
});

describe('bestWeightedF1Threshold', () => {
  it('equals bestF1Threshold with unit weights', async () => {
    const { bestWeightedF1Threshold } = await import('../../src/metrics/threshold.ts');
    const scores = [0.1, 0.4, 0.35, 0.8, 0.8, 0.2, 0.9, 0.05];
    const truth = Uint8Array.from([0, 1, 0, 1, 0, 0, 1, 0]);
    const a = bestF1Threshold(scores, truth);
    const b = bestWeightedF1Threshold(scores, truth, new Float64Array(8).fill(1));
    expect(b.f1).toBeCloseTo(a.f1, 12);
    expect(b.threshold).toBeCloseTo(a.threshold, 12);
  });
  it('moves the cut down when low-scoring positives weigh more', async () => {
    const { bestWeightedF1Threshold } = await import('../../src/metrics/threshold.ts');
    // A normal row at 5 sits above the positive at 4: flagging it costs one false positive.
    const scores = [1, 2, 5, 10, 11, 4];
    const truth = Uint8Array.from([0, 0, 0, 1, 1, 1]);
    const plain = bestWeightedF1Threshold(scores, truth, [1, 1, 1, 1, 1, 0.1]);
    const heavy = bestWeightedF1Threshold(scores, truth, [1, 1, 1, 1, 1, 10]);
    expect(plain.threshold).toBe(7.5);
    expect(heavy.threshold).toBe(3);
  });
});
