import { describe, expect, it } from 'vitest';
import { MetricsAccumulator } from '../../src/metrics/accumulator.ts';
import { confusionFrom, rates } from '../../src/metrics/confusion.ts';
import { prAuc, rocAuc } from '../../src/metrics/curves.ts';
import { mulberry32 } from './helpers.ts';

const LABELS = ['normal', 'normal', 'normal', 'neptune', 'smurf', 'portsweep', 'guess_passwd', 'rootkit', 'brand_new'];

describe('MetricsAccumulator', () => {
  it('matches batch metrics across many uneven batches', () => {
    const rnd = mulberry32(42);
    const n = 5000;
    const scores = new Float32Array(n);
    const flags = new Uint8Array(n);
    const truth = new Uint8Array(n);
    const labels: string[] = [];
    for (let i = 0; i < n; i++) {
      const label = LABELS[Math.floor(rnd() * LABELS.length)];
      labels.push(label);
      truth[i] = label === 'normal' ? 0 : 1;
      scores[i] = Math.round((rnd() + 0.4 * truth[i]) * 50) / 50;
      flags[i] = scores[i] > 0.6 ? 1 : 0;
    }
    const acc = new MetricsAccumulator();
    for (let start = 0; start < n; ) {
      const end = Math.min(n, start + 1 + Math.floor(rnd() * 700));
      // Mix Float32 and Float64 batches.
      const s = start % 2 ? Float64Array.from(scores.subarray(start, end)) : scores.slice(start, end);
      acc.add(s, flags.slice(start, end), labels.slice(start, end));
      start = end;
    }
    expect(acc.count).toBe(n);
    const m = acc.finish();
    const c = confusionFrom(flags, truth);
    expect(m.confusion).toEqual(c);
    const r = rates(c);
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'fpr'] as const) expect(m[k]).toBeCloseTo(r[k], 12);
    expect(m.rocAuc).toBeCloseTo(rocAuc(scores, truth), 12);
    expect(m.prAuc).toBeCloseTo(prAuc(scores, truth), 12);

    const dos = labels.filter((l) => l === 'neptune' || l === 'smurf').length;
    const dosHit = labels.filter((l, i) => (l === 'neptune' || l === 'smurf') && flags[i]).length;
    expect(m.byCategory.dos).toEqual({ total: dos, detected: dosHit, rate: dosHit / dos });
    const all = Object.values(m.byCategory).reduce((a, b) => a + b.total, 0);
    expect(all).toBe(c.tp + c.fn);
    expect(m.byCategory.unknown.total).toBe(labels.filter((l) => l === 'brand_new').length);
    expect(Object.keys(m.byCategory).sort()).toEqual(['dos', 'probe', 'r2l', 'u2r', 'unknown']);

    expect(m.roc).toBeDefined();
    expect(m.roc!.fpr.length).toBeLessThanOrEqual(256);
    expect(m.roc!.fpr[0]).toBe(0);
    expect(m.roc!.tpr.at(-1)).toBe(1);
  });

  it('empty and single-class input', () => {
    const empty = new MetricsAccumulator({ rocPoints: 0 }).finish();
    expect(empty.confusion).toEqual({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect(empty.accuracy).toBe(0);
    expect(empty.byCategory.u2r).toEqual({ total: 0, detected: 0, rate: 0 });
    expect(empty.roc).toBeUndefined();
    expect(empty.rocAuc).toBeNaN();

    const acc = new MetricsAccumulator();
    acc.add(Float32Array.from([0.1, 0.9]), Uint8Array.from([0, 1]), ['normal', 'normal']);
    const m = acc.finish();
    expect(m.confusion).toEqual({ tp: 0, fp: 1, tn: 1, fn: 0 });
    expect(m.rocAuc).toBeNaN();
    expect(m.prAuc).toBe(0);
  });

  it('rejects batches of different lengths', () => {
    const acc = new MetricsAccumulator();
    expect(() => acc.add(new Float32Array(2), new Uint8Array(2), ['normal'])).toThrow(RangeError);
  });
});

describe('MetricsAccumulator past exactRows', () => {
  it('switches to a constant-size histogram whose AUCs match the exact ones closely', () => {
    const rnd = mulberry32(77);
    const n = 20000;
    const scores = new Float32Array(n);
    const labels: string[] = [];
    const flags = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const attack = rnd() < 0.4;
      scores[i] = Math.exp((attack ? 1.2 : 0) + rnd() * 2 - 1);
      labels.push(attack ? 'neptune' : 'normal');
      flags[i] = scores[i] > 2 ? 1 : 0;
    }
    const exact = new MetricsAccumulator();
    const approx = new MetricsAccumulator({ exactRows: 3000 });
    for (let s = 0; s < n; s += 2500) {
      exact.add(scores.subarray(s, s + 2500), flags.subarray(s, s + 2500), labels.slice(s, s + 2500));
      approx.add(scores.subarray(s, s + 2500), flags.subarray(s, s + 2500), labels.slice(s, s + 2500));
    }
    expect(exact.exact).toBe(true);
    expect(approx.exact).toBe(false);
    const a = exact.finish();
    const b = approx.finish();
    expect(b.confusion).toEqual(a.confusion);
    expect(b.f1).toBe(a.f1);
    expect(Math.abs(b.rocAuc - a.rocAuc)).toBeLessThan(1e-4);
    expect(Math.abs(b.prAuc - a.prAuc)).toBeLessThan(1e-3);
    expect(b.roc!.fpr.length).toBeGreaterThan(10);
  });
});
