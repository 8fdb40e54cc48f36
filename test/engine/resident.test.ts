// Resident matrices (src/engine/resident.ts): gathered into the module once, read
// there by every call. They must give exactly what the dense copy gave: the
// committed default model's bytes depend on it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  calinskiHarabaszScore, KMeans, matrix, MiniBatchKMeans, ResidentMatrix, selectMatrix, silhouetteScore, withResident, type Engine,
} from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH } from '../../src/engine/node.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine('simd'); });

const b = blobs({ n: 3001, d: 11, k: 4, seed: 5 }); // odd rows: the kernel's odd last row is on the path
const X = matrix(b.X, 11);
const rows = Int32Array.from({ length: 2001 }, (_, i) => (i * 7) % 3001);
const cols = Int32Array.of(9, 0, 3, 4, 5, 10, 2); // 7 columns: padded to 8

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('ResidentMatrix', () => {
  it('holds what selectMatrix gives, and fits, scores and measures bit for bit alike', () => {
    const dense = selectMatrix(X, rows, cols);
    const live = engine.liveBlocks;
    const r = ResidentMatrix.gather(engine, X, rows, cols);
    expect(engine.liveBlocks).toBe(live + 1);
    expect([r.rows, r.cols]).toEqual([dense.rows, dense.cols]);
    expect(bits(r.data)).toBe(bits(dense.data));
    for (const make of [
      () => new KMeans(engine, { nClusters: 5, seed: 3, nInit: 2 }),
      () => new MiniBatchKMeans(engine, { nClusters: 5, seed: 3, nInit: 2, batchSize: 256 }),
    ]) {
      const a = make().fit(dense);
      const c = make().fit(r);
      expect(bits(c.centroids)).toBe(bits(a.centroids));
      expect(c.inertia).toBe(a.inertia);
      const na = a.nearest(dense), nc = a.nearest(r);
      expect(bits(nc.distances)).toBe(bits(na.distances));
      expect(Array.from(nc.labels)).toEqual(Array.from(na.labels));
      expect(silhouetteScore(engine, r, nc.labels, 5, { sampleSize: 500, seed: 2 })).toBe(silhouetteScore(engine, dense, na.labels, 5, { sampleSize: 500, seed: 2 }));
      expect(calinskiHarabaszScore(engine, r, nc.labels, 5)).toBe(calinskiHarabaszScore(engine, dense, na.labels, 5));
    }
    r.release();
    r.release(); // idempotent
    expect(engine.liveBlocks).toBe(live);
    expect(r.released).toBe(true);
    expect(() => new KMeans(engine, { nClusters: 2 }).fit(r)).toThrow(/released/);
  });

  it('all rows when rows is null; on another engine it is copied in like any matrix', async () => {
    const other = await loadEngine(WASM_PATH); // a different instance from the cached 'auto'/'simd' one
    withResident(engine, X, null, cols, (r) => {
      expect(bits(r.data)).toBe(bits(selectMatrix(X, null, cols).data));
      const here = new KMeans(engine, { nClusters: 4, seed: 1 }).fit(r);
      const there = new KMeans(other, { nClusters: 4, seed: 1 }).fit(r);
      expect(bits(there.centroids)).toBe(bits(here.centroids));
    });
  });

  it('refuses non-finite values naming the cell, bad indices, and leaves nothing allocated', () => {
    const data = Float32Array.from(b.X);
    data[12 * 11 + 4] = NaN;
    const live = engine.liveBlocks;
    expect(() => ResidentMatrix.gather(engine, matrix(data, 11), null, cols)).toThrow(/NaN at row 12, column 4/);
    expect(() => ResidentMatrix.gather(engine, X, Int32Array.of(0, 3001), cols)).toThrow(/row 3001 is outside/);
    expect(() => ResidentMatrix.gather(engine, X, null, Int32Array.of(11))).toThrow(/column 11 is outside/);
    expect(() => ResidentMatrix.gather(engine, X, new Int32Array(0), cols)).toThrow(/empty/);
    expect(engine.liveBlocks).toBe(live);
  });
});
