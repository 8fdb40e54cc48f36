import { beforeAll, describe, expect, it } from 'vitest';
import { KMeans, matrix, type Engine } from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH } from '../../src/engine/node.ts';
import { referenceLloyd } from '../../src/engine/reference-lloyd.ts';
import { randomMatrix } from '../../bench/random.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine(WASM_PATH); });

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// Hamerly skips a row only when its widened bounds prove the f32 scores of the full
// pass would pick the same centre, and computes every score with Lloyd's arithmetic,
// so the whole fit is identical to Lloyd's, not just close.
describe("KMeans algorithm: 'hamerly' gives Lloyd's result bit for bit", () => {
  const cases: { name: string; X: Float32Array; d: number; k: number; init?: Float32Array; maxIter?: number; tol?: number }[] = [];
  for (const [n, d, k, spread] of [[3000, 2, 5, 10], [2001, 13, 7, 4], [4000, 41, 13, 3], [1501, 122, 10, 2], [3000, 5, 1, 8], [2500, 50, 100, 6]] as const) {
    const b = blobs({ n, d, k: Math.max(k, 2), seed: n + d, spread });
    cases.push({ name: `blobs n=${n} d=${d} k=${k}`, X: b.X, d, k });
  }
  cases.push({ name: 'uniform n=4001 d=122 k=12', X: randomMatrix(4001, 122, 5), d: 122, k: 12, maxIter: 40 });
  const e = blobs({ n: 600, d: 2, k: 3, seed: 4, spread: 10 });
  cases.push({ name: 'an empty cluster to refill', X: e.X, d: 2, k: 4, init: new Float32Array([...e.X.slice(0, 6), 1e4, 1e4]) });
  cases.push({ name: 'stopping on tol', X: blobs({ n: 3000, d: 9, k: 6, seed: 3, spread: 2 }).X, d: 9, k: 6, tol: 1e-3 });

  for (const c of cases) {
    it(c.name, () => {
      const X = matrix(c.X, c.d);
      const init = c.init ?? c.X.slice(0, c.k * c.d);
      const params = { nClusters: c.k, init, maxIter: c.maxIter ?? 300, tol: c.tol ?? 0 };
      const lloyd = new KMeans(engine, { ...params, algorithm: 'lloyd' }).fit(X);
      const hamerly = new KMeans(engine, { ...params, algorithm: 'hamerly' }).fit(X);
      expect(hamerly.nIter).toBe(lloyd.nIter);
      expect(hamerly.inertia).toBe(lloyd.inertia);
      expect(bytes(hamerly.centroids).equals(bytes(lloyd.centroids))).toBe(true);
      expect(bytes(hamerly.predict(X)).equals(bytes(lloyd.predict(X)))).toBe(true);
    });
  }

  it('with k-means++ restarts (the training path)', () => {
    const b = blobs({ n: 5000, d: 20, k: 9, seed: 77, spread: 3 });
    const X = matrix(b.X, 20);
    const lloyd = new KMeans(engine, { nClusters: 9, seed: 4, nInit: 3 }).fit(X);
    const hamerly = new KMeans(engine, { nClusters: 9, seed: 4, nInit: 3, algorithm: 'hamerly' }).fit(X);
    expect(hamerly.inertia).toBe(lloyd.inertia);
    expect(bytes(hamerly.centroids).equals(bytes(lloyd.centroids))).toBe(true);
  });

  it('matches the plain-TypeScript reference within float tolerance', () => {
    const k = 6, d = 11;
    const b = blobs({ n: 3000, d, k, seed: 8, spread: 8 });
    const init = b.X.slice(0, k * d);
    const ref = referenceLloyd(b.X, b.n, d, init, k, 100, 0);
    const km = new KMeans(engine, { nClusters: k, init, maxIter: 100, tol: 0, algorithm: 'hamerly' }).fit(matrix(b.X, d));
    expect(Array.from(km.predict(matrix(b.X, d)))).toEqual(Array.from(ref.labels));
    expect(Math.abs(km.inertia - ref.inertia) / ref.inertia).toBeLessThan(1e-4);
  });

  it('prunes on separated clusters', () => {
    const b = blobs({ n: 20000, d: 16, k: 20, seed: 12, spread: 12 });
    const X = matrix(b.X, 16);
    new KMeans(engine, { nClusters: 20, init: b.X.slice(0, 20 * 16), tol: 0, algorithm: 'hamerly' }).fit(X);
    expect(engine.core.hamerlyScoredShare()).toBeLessThan(0.5);
  });

  it('rejects an unknown algorithm', () => {
    expect(() => new KMeans(engine, { nClusters: 2, algorithm: 'elkan' as never })).toThrow(/algorithm must be 'lloyd' or 'hamerly'/);
  });
});
