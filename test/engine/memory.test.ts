import { describe, expect, it } from 'vitest';
import { calinskiHarabaszScore, KMeans, MiniBatchKMeans, matrix, silhouetteScore, withSubspaces } from '../../src/engine/index.ts';
import { loadEngine, WASM_PATH } from '../../src/engine/node.ts';
import { blobs } from '../helpers/blobs.ts';

describe('engine memory', () => {
  it('stays flat across 1,000 fit/predict calls: no block left allocated, no growth', async () => {
    const engine = await loadEngine(WASM_PATH + ''); // same path, but a fresh uncached instance
    const b = blobs({ n: 400, d: 7, k: 3, seed: 8 });
    const X = matrix(b.X, 7);
    const round = (i: number) => {
      const km = new KMeans(engine, { nClusters: 3, seed: i, nInit: 1 }).fit(X);
      km.predict(X);
      km.transform(X);
      if (i % 10 === 0) {
        new MiniBatchKMeans(engine, { nClusters: 3, seed: i, batchSize: 64 }).fit(X).predict(X);
        silhouetteScore(engine, X, km.predict(X), 3, { sampleSize: 100 });
        calinskiHarabaszScore(engine, X, km.predict(X), 3);
        withSubspaces(engine, X, [{ model: km, columns: Int32Array.from({ length: 7 }, (_, c) => c), weight: 1 }], (r) => r.columnShares(Int32Array.of(0, 5)));
      }
    };
    expect(engine.liveBlocks).toBe(0);
    for (let i = 0; i < 20; i++) round(i);
    expect(engine.liveBlocks).toBe(0);
    const before = engine.memoryBytes;
    for (let i = 20; i < 1000; i++) {
      round(i);
      if (engine.liveBlocks !== 0) throw new Error(`round ${i} left ${engine.liveBlocks} blocks allocated`);
    }
    expect(engine.memoryBytes).toBe(before);
  });
});
