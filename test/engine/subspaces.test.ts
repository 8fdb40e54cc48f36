// withSubspaces: each model's columns gathered by runs (gatherRuns), its nearest
// centroids, and the explanations' column shares read from the whole rows — checked
// against plain JavaScript on columns with runs of every length, out of order, repeated.

import { describe, expect, it } from 'vitest';
import { KMeans, matrix, withSubspaces } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { columnRuns } from '../../src/engine/subspaces.ts';
import { blobs } from '../helpers/blobs.ts';

describe('columnRuns', () => {
  it('cuts a column list into (source, destination, length) runs', () => {
    expect(Array.from(columnRuns([]))).toEqual([]);
    expect(Array.from(columnRuns([4]))).toEqual([4, 0, 1]);
    expect(Array.from(columnRuns([0, 1, 2, 3, 4, 9, 10, 3, 2, 2]))).toEqual([0, 0, 5, 9, 5, 2, 3, 7, 1, 2, 8, 1, 2, 9, 1]);
  });
});

describe('withSubspaces', () => {
  it('gives the nearest centroids and column shares that a plain gather and a plain loop give', async () => {
    const engine = await loadEngine();
    const d = 23;
    const b = blobs({ n: 301, d, k: 4, seed: 5 });
    const X = matrix(b.X, d);
    const subsets = [
      Int32Array.from({ length: d }, (_, c) => c), // everything, one run
      Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 22), // runs of 9, 3, 1
      Int32Array.of(20, 3, 4, 5, 6, 7, 1), // out of order
      Int32Array.of(9, 9, 10, 11), // a repeated column
    ];
    const models = subsets.map((columns, i) => {
      const sub = new Float32Array(X.rows * columns.length);
      for (let r = 0; r < X.rows; r++) columns.forEach((c, t) => { sub[r * columns.length + t] = b.X[r * d + c]; });
      return { model: new KMeans(engine, { nClusters: 3, seed: i, nInit: 1 }).fit(matrix(sub, columns.length)), columns, weight: 0.25 + i / 10, sub };
    });
    const rows = Int32Array.of(0, 7, 300, 150);
    const got = withSubspaces(engine, X, models, (r) => ({ nearest: r.nearest, shares: r.columnShares(rows) }));
    const want = new Float64Array(rows.length * d);
    models.forEach(({ model, columns, weight, sub }, m) => {
      const near = model.nearest(matrix(sub, columns.length));
      expect(Array.from(got.nearest[m].labels)).toEqual(Array.from(near.labels));
      expect(Array.from(got.nearest[m].distances)).toEqual(Array.from(near.distances));
      const { centroids, dim } = model.state;
      rows.forEach((i, p) => {
        const c = near.labels[i];
        let total = 0;
        for (let t = 0; t < dim; t++) { const u = sub[i * dim + t] - centroids[c * dim + t]; total += u * u; }
        for (let t = 0; t < dim; t++) { const u = sub[i * dim + t] - centroids[c * dim + t]; want[p * d + columns[t]] += (weight / total) * u * u; }
      });
    });
    expect(Array.from(got.shares)).toEqual(Array.from(want));
  });
});

describe('withSubspaces on non-finite input', () => {
  it('names the first NaN or ±Infinity, as checkMatrix does, wherever it sits in the SIMD blocks', async () => {
    const engine = await loadEngine();
    const d = 6; // padded to 8 in the module
    const b = blobs({ n: 40, d, k: 2, seed: 3 });
    const km = new KMeans(engine, { nClusters: 2, seed: 1, nInit: 1 }).fit(matrix(b.X, d));
    const models = [{ model: km, columns: Int32Array.from({ length: d }, (_, c) => c) }];
    for (const [at, v] of [[0, NaN], [5, Infinity], [6 * 17 + 3, -Infinity], [6 * 39 + 5, NaN]] as const) {
      const data = Float32Array.from(b.X);
      data[at] = v;
      if (at + 1 < data.length) data[at + 1] = NaN; // a later one is not the one named
      const row = Math.floor(at / d);
      expect(() => withSubspaces(engine, matrix(data, d), models, () => 0)).toThrow(`input contains ${v} at row ${row}, column ${at - row * d}; clean or impute`);
    }
    expect(engine.liveBlocks).toBe(0);
  });
});
