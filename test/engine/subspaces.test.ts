// withSubspaces: each model's columns gathered by runs (gatherRuns), its nearest
// centroids, and the explanations' column shares read from the whole rows and their
// ranking by feature — checked against plain JavaScript on columns with runs of every
// length, out of order, repeated.

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
  // 301 rows: blocks of 64 and an odd last row; 130: an even partial block.
  it.each([301, 130])('gives the nearest centroids and column shares that a plain gather and a plain loop give (%i rows)', async (n) => {
    const engine = await loadEngine();
    const d = 23;
    const b = blobs({ n, d, k: 4, seed: 5 });
    const X = matrix(b.X, d);
    const subsets = [
      Int32Array.from({ length: d }, (_, c) => c), // everything, one run
      Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 22), // runs of 9, 3, 1
      Int32Array.of(20, 3, 4, 5, 6, 7, 1), // out of order
      Int32Array.of(9, 9, 10, 11), // a repeated column
      Int32Array.of(0, 2, 4, 6, 8, 10, 12, 15), // single columns up to the padded row's end
      Int32Array.of(1, 5, 9, 13, 17), // single columns, the last one's vector into the padding
      Int32Array.of(18, 19, 20, 21, 22, 0), // a run that ends at the source row's last column
    ];
    const models = subsets.map((columns, i) => {
      const sub = new Float32Array(X.rows * columns.length);
      for (let r = 0; r < X.rows; r++) columns.forEach((c, t) => { sub[r * columns.length + t] = b.X[r * d + c]; });
      return { model: new KMeans(engine, { nClusters: 3, seed: i, nInit: 1 }).fit(matrix(sub, columns.length)), columns, weight: 0.25 + i / 10, sub };
    });
    const rows = Int32Array.of(0, 7, n - 1, 65);
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

    // The ranking in the module is the plain ranking of those shares, bit for bit:
    // columns folded into features out of order, ties, fewer features than asked for.
    for (const [featureOf, features, count] of [
      [Int32Array.from({ length: d }, (_, c) => c % 7), 7, 3],
      [Int32Array.from({ length: d }, (_, c) => (c < 20 ? 0 : c - 19)), 5, 6],
      [Int32Array.from({ length: d }, (_, c) => c), d, 1],
    ] as const) {
      const top = withSubspaces(engine, X, models, (r) => r.topFeatures(rows, featureOf, features, count));
      const stride = 1 + 2 * count;
      rows.forEach((_, p) => {
        const ref = referenceTop(got.shares.subarray(p * d, (p + 1) * d), featureOf, features, count);
        expect(Array.from(top.subarray(p * stride, (p + 1) * stride))).toEqual(ref);
      });
    }
    expect(engine.liveBlocks).toBe(0);
  });

  it('explains nothing for a row on its centroid, and no rows at all for an empty list', async () => {
    const engine = await loadEngine();
    const X = matrix(Float32Array.of(1, 2, 1, 2, 5, 5), 2);
    const model = new KMeans(engine, { nClusters: 2, seed: 1, nInit: 1 }).fit(matrix(Float32Array.of(1, 2, 5, 5), 2));
    const columns = Int32Array.of(0, 1);
    const featureOf = Int32Array.of(0, 0);
    const top = withSubspaces(engine, X, [{ model, columns }], (r) => r.topFeatures(Int32Array.of(0, 2), featureOf, 1, 2));
    expect(Array.from(top)).toEqual([0, -1, 0, -1, 0, 0, -1, 0, -1, 0]);
    expect(withSubspaces(engine, X, [{ model, columns }], (r) => r.topFeatures(new Int32Array(0), featureOf, 1, 2)).length).toBe(0);
    expect(() => withSubspaces(engine, X, [{ model, columns }], (r) => r.topFeatures(Int32Array.of(0), Int32Array.of(0, 3), 1, 2))).toThrow(/feature 3 is outside 0..0/);
    expect(engine.liveBlocks).toBe(0);
  });
});

/**
 * The ranking as plain JavaScript does it (the detector's JS before it moved into the
 * module): summed positive shares per feature, the largest first, the first on ties.
 */
function referenceTop(shares: Float64Array, featureOf: Int32Array, features: number, count: number): number[] {
  const byFeature = new Float64Array(features);
  let total = 0;
  shares.forEach((s, c) => { if (s > 0) { byFeature[featureOf[c]] += s; total += s; } });
  const out = [total];
  for (let q = 0; q < count; q++) {
    let best = -1;
    if (total > 0) for (let f = 0; f < features; f++) if (byFeature[f] > 0 && (best < 0 || byFeature[f] > byFeature[best])) best = f;
    out.push(best, best < 0 ? 0 : byFeature[best]);
    if (best >= 0) byFeature[best] = 0;
  }
  return out;
}

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
