import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { columnsOf, planMembers } from '../../src/model/members.ts';
import { rowWeights } from '../../src/model/threshold.ts';

describe('member plans', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    expect(planMembers(3)).toEqual(planMembers(3));
    expect(planMembers(3)).not.toEqual(planMembers(4));
  });

  it('give each member the requested share of features, cycling k and alternating algorithms', () => {
    const plan = planMembers(0, { members: 6, featureFraction: 0.4, ks: [5, 7] });
    expect(plan.map((m) => m.k)).toEqual([5, 7, 5, 7, 5, 7]);
    expect(plan.map((m) => m.kind)).toEqual(['kmeans', 'minibatch', 'kmeans', 'minibatch', 'kmeans', 'minibatch']);
    for (const m of plan) {
      expect(m.features.length).toBe(Math.round(0.4 * 41));
      expect(m.features.every((f) => FEATURE_NAMES.includes(f))).toBe(true);
    }
    expect(() => planMembers(0, { featureFraction: 0 })).toThrow(/featureFraction/);
  });

  it('map features to their preprocessed columns, one-hot columns included', () => {
    const cols = ['duration', 'service=http', 'service=ftp', 'flag=SF'];
    expect(Array.from(columnsOf(['service', 'duration'], cols))).toEqual([0, 1, 2]);
  });
});

describe('threshold weights', () => {
  it('give every attack category the same total weight and keep normal rows at 1', () => {
    const labels = ['normal', 'neptune', 'neptune', 'neptune', 'satan', 'guess_passwd', 'normal'];
    const w = rowWeights(labels, 'category');
    expect(w[0]).toBe(1);
    expect(w[6]).toBe(1);
    const dos = w[1] + w[2] + w[3];
    expect(dos).toBeCloseTo(w[4], 12);
    expect(w[4]).toBeCloseTo(w[5], 12);
    expect(dos + w[4] + w[5]).toBeCloseTo(5, 12); // total attack weight unchanged
    expect(Array.from(rowWeights(labels, 'none'))).toEqual(new Array(7).fill(1));
  });
});
