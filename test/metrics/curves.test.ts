import { describe, expect, it } from 'vitest';
import { prAuc, rocAuc, rocCurve } from '../../src/metrics/curves.ts';
import { countAtLeast, distinctDesc, randomCase } from './helpers.ts';

/** Mann–Whitney over all pairs, ties worth half. */
function bruteRocAuc(scores: ArrayLike<number>, truth: Uint8Array): number {
  let sum = 0, pairs = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!truth[i]) continue;
    for (let j = 0; j < truth.length; j++) {
      if (truth[j]) continue;
      pairs++;
      if (scores[i] > scores[j]) sum += 1;
      else if (scores[i] === scores[j]) sum += 0.5;
    }
  }
  return sum / pairs;
}

/** scikit-learn's definition: Σ (R_k − R_{k−1}) P_k over distinct thresholds, descending. */
function bruteAp(scores: ArrayLike<number>, truth: Uint8Array): number {
  const pos = truth.reduce((a, b) => a + b, 0);
  let ap = 0, prevRecall = 0;
  for (const cut of distinctDesc(scores)) {
    const { tp, fp } = countAtLeast(scores, truth, cut);
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

const u8 = (a: number[]) => Uint8Array.from(a);

describe('rocAuc', () => {
  it('known cases', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], u8([0, 0, 1, 1]))).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], u8([0, 0, 1, 1]))).toBe(0);
    expect(rocAuc([3, 3, 3, 3, 3], u8([0, 1, 0, 1, 1]))).toBe(0.5);
    // scikit-learn docs example.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], u8([0, 0, 1, 1]))).toBeCloseTo(0.75, 12);
  });

  it('is NaN with a single class', () => {
    expect(rocAuc([1, 2, 3], u8([1, 1, 1]))).toBeNaN();
    expect(rocAuc([1, 2, 3], u8([0, 0, 0]))).toBeNaN();
    expect(rocAuc([], u8([]))).toBeNaN();
  });

  it('matches the pairwise reference on random data with ties', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { scores, truth } = randomCase(seed, 50 + seed * 7, 3 + (seed % 10));
      if (truth.every((t) => t === truth[0])) continue;
      expect(rocAuc(scores, truth)).toBeCloseTo(bruteRocAuc(scores, truth), 12);
    }
  });

  it('accepts Float32Array and plain arrays', () => {
    const { scores, truth } = randomCase(7, 300);
    const expected = bruteRocAuc(scores, truth);
    expect(rocAuc(Float32Array.from(scores), truth)).toBeCloseTo(expected, 12);
    expect(rocAuc(Array.from(scores), truth)).toBeCloseTo(expected, 12);
  });

  it('rejects mismatched lengths', () => {
    expect(() => rocAuc([1, 2], u8([1]))).toThrow(RangeError);
  });
});

describe('prAuc (average precision)', () => {
  it('known cases', () => {
    // scikit-learn docs example: average_precision_score → 0.8333…
    expect(prAuc([0.1, 0.4, 0.35, 0.8], u8([0, 0, 1, 1]))).toBeCloseTo(5 / 6, 12);
    expect(prAuc([0.1, 0.2, 0.8, 0.9], u8([0, 0, 1, 1]))).toBe(1);
    expect(prAuc([5, 5, 5, 5], u8([0, 1, 0, 0]))).toBeCloseTo(0.25, 12); // all tied → prevalence
    expect(prAuc([0.9, 0.8, 0.2, 0.1], u8([0, 0, 1, 1]))).toBeCloseTo(0.5 * (1 / 3) + 0.5 * 0.5, 12);
    expect(prAuc([1, 2], u8([0, 0]))).toBe(0); // no positives, like scikit-learn
  });

  it('matches the step-wise reference on random data with ties', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { scores, truth } = randomCase(seed * 31, 40 + seed * 9, 2 + (seed % 12));
      if (!truth.some((t) => t === 1)) continue;
      expect(prAuc(scores, truth)).toBeCloseTo(bruteAp(scores, truth), 12);
    }
  });
});

describe('rocCurve', () => {
  function trapezoid(x: number[], y: number[]): number {
    let a = 0;
    for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
    return a;
  }

  it('returns the full curve when small, whose area is the AUC', () => {
    const { scores, truth } = randomCase(3, 200, 20);
    const c = rocCurve(scores, truth);
    expect(c.fpr.length).toBe(distinctDesc(scores).length + 1);
    expect(trapezoid(c.fpr, c.tpr)).toBeCloseTo(rocAuc(scores, truth), 12);
    // Each point's rates match a direct count at its threshold.
    const pos = truth.reduce((a, b) => a + b, 0), neg = truth.length - pos;
    for (let k = 1; k < c.thresholds.length; k++) {
      const { tp, fp } = countAtLeast(scores, truth, c.thresholds[k]);
      expect(c.tpr[k]).toBeCloseTo(tp / pos, 12);
      expect(c.fpr[k]).toBeCloseTo(fp / neg, 12);
    }
  });

  it('downsamples, stays monotone and keeps both end points', () => {
    const n = 20000;
    const { scores, truth } = randomCase(11, n, 100000);
    for (const maxPoints of [2, 3, 10, 64, 256]) {
      const c = rocCurve(scores, truth, maxPoints);
      expect(c.fpr.length).toBeLessThanOrEqual(maxPoints);
      expect(c.fpr.length).toBeGreaterThanOrEqual(Math.min(2, maxPoints));
      expect(c.tpr.length).toBe(c.fpr.length);
      expect(c.thresholds.length).toBe(c.fpr.length);
      expect([c.fpr[0], c.tpr[0]]).toEqual([0, 0]);
      expect([c.fpr.at(-1), c.tpr.at(-1)]).toEqual([1, 1]);
      expect(c.thresholds[0]).toBe(Infinity);
      for (let i = 1; i < c.fpr.length; i++) {
        expect(c.fpr[i]).toBeGreaterThanOrEqual(c.fpr[i - 1]);
        expect(c.tpr[i]).toBeGreaterThanOrEqual(c.tpr[i - 1]);
        expect(c.thresholds[i]).toBeLessThan(c.thresholds[i - 1]);
      }
    }
    // 256 points are enough for the plotted area to be close to the exact AUC.
    const c = rocCurve(scores, truth, 256);
    expect(c.fpr.length).toBeGreaterThan(200);
    expect(Math.abs(trapezoid(c.fpr, c.tpr) - rocAuc(scores, truth))).toBeLessThan(2e-3);
  });

  it('gives the diagonal for a single class', () => {
    const c = rocCurve([1, 2, 3], u8([0, 0, 0]));
    expect(c.fpr).toEqual([0, 1]);
    expect(c.tpr).toEqual([0, 1]);
  });
});
