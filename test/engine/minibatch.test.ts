import { beforeAll, describe, expect, it } from 'vitest';
import { KMeans, MiniBatchKMeans, matrix, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine(); });

describe('MiniBatchKMeans', () => {
  it("reaches an inertia within 5 % of Lloyd's on blobs", () => {
    const b = blobs({ n: 20000, d: 10, k: 8, seed: 21, spread: 12 });
    const X = matrix(b.X, 10);
    const lloyd = new KMeans(engine, { nClusters: 8, seed: 1 }).fit(X);
    const mb = new MiniBatchKMeans(engine, { nClusters: 8, seed: 1, batchSize: 512 }).fit(X);
    expect(mb.inertia).toBeLessThan(lloyd.inertia * 1.05);
    expect(mb.nIter).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const b = blobs({ n: 3000, d: 6, k: 5, seed: 3 });
    const X = matrix(b.X, 6);
    const a = new MiniBatchKMeans(engine, { nClusters: 5, seed: 9, batchSize: 256 }).fit(X).centroids;
    const c = new MiniBatchKMeans(engine, { nClusters: 5, seed: 9, batchSize: 256 }).fit(X).centroids;
    const e = new MiniBatchKMeans(engine, { nClusters: 5, seed: 10, batchSize: 256 }).fit(X).centroids;
    expect(Array.from(a)).toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(e));
  });

  it('works for odd dimensions and k = 1', () => {
    const b = blobs({ n: 1000, d: 3, k: 2, seed: 5 });
    const mb = new MiniBatchKMeans(engine, { nClusters: 1, batchSize: 100 }).fit(matrix(b.X, 3));
    expect(mb.centroids.every(Number.isFinite)).toBe(true);
    expect(mb.state.kind).toBe('minibatch');
  });

  it('rejects bad parameters', () => {
    expect(() => new MiniBatchKMeans(engine, { nClusters: 2, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new MiniBatchKMeans(engine, { nClusters: 2, reassignmentRatio: 1.5 })).toThrow(/reassignmentRatio must be in \[0, 1\]/);
    expect(() => new MiniBatchKMeans(engine, { nClusters: 2, maxNoImprovement: 0 })).toThrow(/maxNoImprovement/);
  });
});
