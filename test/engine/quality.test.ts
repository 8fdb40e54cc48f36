import { beforeAll, describe, expect, it } from 'vitest';
import { calinskiHarabaszScore, KMeans, matrix, silhouetteScore, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { blobs, rng } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine(); });

function dist(X: Float32Array, d: number, a: number, b: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += (X[a * d + t] - X[b * d + t]) ** 2;
  return Math.sqrt(s);
}

function bruteSilhouette(X: Float32Array, n: number, d: number, labels: Int32Array, k: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sums = new Array(k).fill(0);
    const sizes = new Array(k).fill(0);
    for (let j = 0; j < n; j++) { sizes[labels[j]]++; if (j !== i) sums[labels[j]] += dist(X, d, i, j); }
    if (sizes[labels[i]] <= 1) continue;
    const a = sums[labels[i]] / (sizes[labels[i]] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== labels[i] && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

function bruteCH(X: Float32Array, n: number, d: number, labels: Int32Array, k: number): number {
  const mean = new Array(d).fill(0);
  const means = Array.from({ length: k }, () => new Array(d).fill(0));
  const sizes = new Array(k).fill(0);
  for (let i = 0; i < n; i++) {
    sizes[labels[i]]++;
    for (let t = 0; t < d; t++) { mean[t] += X[i * d + t] / n; means[labels[i]][t] += X[i * d + t]; }
  }
  let B = 0, W = 0;
  for (let c = 0; c < k; c++) for (let t = 0; t < d; t++) { means[c][t] /= sizes[c]; B += sizes[c] * (means[c][t] - mean[t]) ** 2; }
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) W += (X[i * d + t] - means[labels[i]][t]) ** 2;
  return (B * (n - k)) / (W * (k - 1));
}

describe('clustering quality', () => {
  const b = blobs({ n: 300, d: 5, k: 3, seed: 12, spread: 6 });
  const X = matrix(b.X, 5);

  it('silhouette equals the brute-force definition when the sample covers all rows', () => {
    const labels = new KMeans(engine, { nClusters: 3 }).fit(X).predict(X);
    expect(silhouetteScore(engine, X, labels, 3, { sampleSize: 1000 })).toBeCloseTo(bruteSilhouette(b.X, b.n, 5, labels, 3), 4);
  });

  it('silhouette on a sample is seeded, bounded and close to the full value', () => {
    const labels = new KMeans(engine, { nClusters: 3 }).fit(X).predict(X);
    const s1 = silhouetteScore(engine, X, labels, 3, { sampleSize: 150, seed: 1 });
    expect(silhouetteScore(engine, X, labels, 3, { sampleSize: 150, seed: 1 })).toBe(s1);
    expect(Math.abs(s1 - bruteSilhouette(b.X, b.n, 5, labels, 3))).toBeLessThan(0.05);
  });

  it('silhouette ranks a good clustering above a random one', () => {
    const good = new KMeans(engine, { nClusters: 3 }).fit(X).predict(X);
    const rand = rng(99);
    const random = Int32Array.from({ length: b.n }, () => Math.floor(rand() * 3));
    expect(silhouetteScore(engine, X, good, 3)).toBeGreaterThan(0.3); // overlapping blobs (spread 6, σ 1)
    expect(silhouetteScore(engine, X, random, 3)).toBeLessThan(0.1);
  });

  it('Calinski–Harabasz equals the brute-force definition', () => {
    const labels = new KMeans(engine, { nClusters: 3 }).fit(X).predict(X);
    const ch = calinskiHarabaszScore(engine, X, labels, 3);
    expect(Math.abs(ch - bruteCH(b.X, b.n, 5, labels, 3)) / ch).toBeLessThan(1e-5);
  });

  it('rejects labels outside 0..k-1', () => {
    expect(() => calinskiHarabaszScore(engine, X, new Int32Array(b.n).fill(3), 3)).toThrow(/outside 0..2/);
  });
});
