import { describe, expect, it } from 'vitest';
import { KMeans, matrix } from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH, WASM_SCALAR_PATH } from '../../src/engine/node.ts';
import { blobs } from '../helpers/blobs.ts';

describe('SIMD and scalar builds', () => {
  it('agree on assignments and inertia', async () => {
    const simd = await loadEngine(WASM_PATH);
    const scalar = await loadEngine(WASM_SCALAR_PATH);
    const b = blobs({ n: 2001, d: 13, k: 7, seed: 31, spread: 10 });
    const X = matrix(b.X, 13);
    const a = new KMeans(simd, { nClusters: 7, seed: 2 }).fit(X);
    const s = new KMeans(scalar, { nClusters: 7, seed: 2 }).fit(X);
    expect(Array.from(s.predict(X))).toEqual(Array.from(a.predict(X)));
    expect(Math.abs(s.inertia - a.inertia) / a.inertia).toBeLessThan(1e-5);
  });
});
