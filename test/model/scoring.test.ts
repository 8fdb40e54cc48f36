import { describe, expect, it } from 'vitest';
import { attackProbability, confidence, fitCalibrationSlope, severityCode, type ScoringParams } from '../../src/model/scoring.ts';
import { rng } from '../helpers/blobs.ts';

const p: ScoringParams = { threshold: 2, severityCuts: [2, 4, 8], calibrationSlope: 3 };

describe('severity', () => {
  it('bands scores by multiples of the threshold', () => {
    expect([1, 2, 2.1, 4, 4.1, 8, 8.1, 16, 16.1, 1e9].map((s) => severityCode(s, p))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('confidence', () => {
  it('is 0.5 at the threshold, grows away from it on both sides and stays in [0.5, 1]', () => {
    expect(attackProbability(2, p)).toBeCloseTo(0.5, 12);
    const scores = [0.01, 0.5, 1, 1.9, 2.1, 3, 10, 100];
    const c = scores.map((s) => confidence(s, p));
    for (const v of c) { expect(v).toBeGreaterThanOrEqual(0.5); expect(v).toBeLessThanOrEqual(1); }
    expect(c[0]).toBeGreaterThan(c[1]);
    expect(c[3]).toBeLessThan(c[2]);
    expect(c[5]).toBeGreaterThan(c[4]);
    expect(c[7]).toBeGreaterThan(c[6]);
  });

  it('recovers the slope of data drawn from the centred logistic model', () => {
    const rand = rng(5);
    const n = 20000;
    const scores = new Float64Array(n);
    const truth = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      scores[i] = 2 * Math.exp((rand() - 0.5) * 6);
      truth[i] = rand() < attackProbability(scores[i], p) ? 1 : 0;
    }
    expect(fitCalibrationSlope(scores, truth, 2)).toBeCloseTo(3, 0);
  });
});
