import { beforeAll, describe, expect, it } from 'vitest';
import { KMeans, matrix, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { referenceLloyd } from '../../src/engine/reference-lloyd.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine(); });

describe('KMeans against the plain-TypeScript reference Lloyd', () => {
  for (const d of [1, 3, 5, 122]) {
    it(`matches assignments and inertia from the same initial centres (d=${d})`, () => {
      const k = 6;
      const b = blobs({ n: 3000, d, k, seed: d, spread: 8 });
      const init = b.X.slice(0, k * d); // rows 0..k-1 belong to different blobs
      const ref = referenceLloyd(b.X, b.n, d, init, k, 100, 0);
      const km = new KMeans(engine, { nClusters: k, init, maxIter: 100, tol: 0 }).fit(matrix(b.X, d));
      const labels = km.predict(matrix(b.X, d));
      expect(Array.from(labels)).toEqual(Array.from(ref.labels));
      expect(Math.abs(km.inertia - ref.inertia) / ref.inertia).toBeLessThan(1e-4);
      for (let i = 0; i < ref.centroids.length; i++) expect(km.centroids[i]).toBeCloseTo(ref.centroids[i], 4);
    });
  }
});

describe('KMeans fitting', () => {
  it('recovers planted centres', () => {
    const b = blobs({ n: 4000, d: 5, k: 4, seed: 7 });
    const km = new KMeans(engine, { nClusters: 4, seed: 3 }).fit(matrix(b.X, 5));
    for (let c = 0; c < 4; c++) {
      const planted = b.centers.subarray(c * 5, c * 5 + 5);
      let best = Infinity;
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let t = 0; t < 5; t++) s += (km.centroids[j * 5 + t] - planted[t]) ** 2;
        best = Math.min(best, Math.sqrt(s));
      }
      expect(best).toBeLessThan(0.15); // 1,000 points of unit noise: the mean is within ~0.07
    }
  });

  it('gives bit-identical centroids for the same seed and different ones for another seed', () => {
    const b = blobs({ n: 2000, d: 8, k: 12, seed: 11, spread: 3 });
    const X = matrix(b.X, 8);
    const a1 = new KMeans(engine, { nClusters: 12, seed: 5 }).fit(X).centroids;
    const a2 = new KMeans(engine, { nClusters: 12, seed: 5 }).fit(X).centroids;
    const a3 = new KMeans(engine, { nClusters: 12, seed: 6 }).fit(X).centroids;
    expect(Buffer.from(a1.buffer).equals(Buffer.from(a2.buffer))).toBe(true);
    expect(Buffer.from(a1.buffer).equals(Buffer.from(a3.buffer))).toBe(false);
  });

  it('handles k = 1 (the centroid is the mean)', () => {
    const b = blobs({ n: 500, d: 3, k: 2, seed: 2 });
    const km = new KMeans(engine, { nClusters: 1 }).fit(matrix(b.X, 3));
    for (let t = 0; t < 3; t++) {
      let mean = 0;
      for (let i = 0; i < b.n; i++) mean += b.X[i * 3 + t];
      expect(km.centroids[t]).toBeCloseTo(mean / b.n, 4);
    }
    expect(Array.from(new Set(km.predict(matrix(b.X, 3))))).toEqual([0]);
  });

  it('re-seeds an empty cluster from the farthest point instead of producing NaN', () => {
    const b = blobs({ n: 600, d: 2, k: 3, seed: 4, spread: 10 });
    const init = new Float32Array([...b.X.slice(0, 6), 1e4, 1e4]); // the 4th centre attracts nobody
    const km = new KMeans(engine, { nClusters: 4, init, maxIter: 50 }).fit(matrix(b.X, 2));
    expect(km.centroids.every(Number.isFinite)).toBe(true);
    const counts = new Array(4).fill(0);
    for (const l of km.predict(matrix(b.X, 2))) counts[l]++;
    expect(counts.every((c) => c > 0)).toBe(true);
    const ref = referenceLloyd(b.X, b.n, 2, init, 4, 50, 1e-4 * 0); // same rule in the reference
    expect(ref.centroids.every(Number.isFinite)).toBe(true);
  });

  it('restores a saved state that predicts identically', () => {
    const b = blobs({ n: 1000, d: 4, k: 3, seed: 9 });
    const X = matrix(b.X, 4);
    const km = new KMeans(engine, { nClusters: 3 }).fit(X);
    const copy = new KMeans(engine, { nClusters: 3 }).setState(structuredClone(km.state));
    expect(Array.from(copy.predict(X))).toEqual(Array.from(km.predict(X)));
    expect(copy.score(X)).toBeCloseTo(km.inertia, 3);
  });

  it('transform returns the Euclidean distance to every centroid', () => {
    const b = blobs({ n: 50, d: 5, k: 3, seed: 10 });
    const X = matrix(b.X, 5);
    const km = new KMeans(engine, { nClusters: 3 }).fit(X);
    const D = km.transform(X);
    for (let i = 0; i < 50; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let t = 0; t < 5; t++) s += (b.X[i * 5 + t] - km.centroids[j * 5 + t]) ** 2;
        expect(D[i * 3 + j]).toBeCloseTo(Math.sqrt(s), 4);
      }
    }
    const near = km.nearest(X);
    for (let i = 0; i < 50; i++) {
      expect(near.distances[i]).toBeCloseTo(D[i * 3 + near.labels[i]], 3);
    }
  });
});

describe('KMeans errors', () => {
  const X = matrix(new Float32Array([0, 0, 1, 1, 2, 2]), 2);
  it('rejects k < 1 and non-integer k', () => {
    expect(() => new KMeans(engine, { nClusters: 0 })).toThrow(/nClusters must be a positive integer/);
    expect(() => new KMeans(engine, { nClusters: 2.5 })).toThrow(/nClusters/);
  });
  it('rejects k > rows', () => {
    expect(() => new KMeans(engine, { nClusters: 4 }).fit(X)).toThrow(/larger than the 3 training rows/);
  });
  it('rejects empty input', () => {
    expect(() => new KMeans(engine, { nClusters: 1 }).fit({ data: new Float32Array(0), rows: 0, cols: 2 })).toThrow(/empty/);
  });
  it('rejects NaN and Infinity, naming the cell', () => {
    expect(() => new KMeans(engine, { nClusters: 1 }).fit(matrix([0, 0, NaN, 1], 2))).toThrow(/NaN at row 1, column 0/);
    expect(() => new KMeans(engine, { nClusters: 1 }).fit(matrix([0, Infinity], 2))).toThrow(/Infinity at row 0, column 1/);
  });
  it('rejects mismatched dimensions', () => {
    const km = new KMeans(engine, { nClusters: 2 }).fit(X);
    expect(() => km.predict(matrix([1, 2, 3], 3))).toThrow(/3 columns but the model was fitted on 2/);
    expect(() => matrix([1, 2, 3], 2)).toThrow(/not a multiple of cols=2/);
    expect(() => new KMeans(engine, { nClusters: 2, init: new Float32Array(3) }).fit(X)).toThrow(/init has 3 values/);
  });
  it('refuses to predict before fit', () => {
    expect(() => new KMeans(engine, { nClusters: 2 }).predict(X)).toThrow(/not fitted/);
  });
});
