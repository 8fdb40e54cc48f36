// Cross-validation folds gather each member's rows into the module (no dense copy)
// and score the held-out rows a block at a time; training can release the batch's
// feature columns once transformed. None of it may change a bit of a model.
import { beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { matrix, selectMatrix, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { fitMember, median } from '../../src/model/ensemble.ts';
import { encodeModel } from '../../src/model/format.ts';
import { planMembers } from '../../src/model/members.ts';
import { nearestDistances, runFold, type FoldJob, type FoldResult } from '../../src/train/folds.ts';
import { trainModel } from '../../src/train/train.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine('simd'); });

/** The fold as it was computed before resident matrices: dense copies of every member's rows. */
function denseFold(job: FoldJob): FoldResult {
  const X = matrix(job.X, job.dim);
  const distances: Float32Array[] = [];
  const scales: number[] = [];
  job.members.forEach((spec, m) => {
    const fit = selectMatrix(X, job.fitRows, job.columns[m]);
    const model = fitMember(engine, fit, spec, job.nInit);
    scales.push(median(model.nearest(fit).distances));
    distances.push(model.nearest(selectMatrix(X, job.scoreRows, job.columns[m])).distances);
  });
  return { distances, scales };
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('cross-validation folds', () => {
  it('give the dense computation bit for bit, and leave no block allocated', () => {
    const b = blobs({ n: 5001, d: 9, k: 3, seed: 4 });
    const all = Int32Array.from({ length: 5001 }, (_, i) => i);
    const job: FoldJob = {
      X: b.X, dim: 9, nInit: 2,
      fitRows: all.filter((i) => i % 5 !== 1),
      scoreRows: all.filter((i) => i % 5 === 1 || i % 7 === 0).reverse(),
      members: [
        { kind: 'kmeans', k: 4, seed: 1, features: [] },
        { kind: 'minibatch', k: 3, seed: 2, features: [] },
      ],
      columns: [Int32Array.of(0, 2, 3, 8, 6), Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
    };
    const live = engine.liveBlocks;
    const got = runFold(engine, job);
    expect(engine.liveBlocks).toBe(live);
    const want = denseFold(job);
    expect(got.scales).toEqual(want.scales);
    expect(got.distances.map(bits)).toEqual(want.distances.map(bits));
  });

  it('score an odd number of rows in even blocks exactly as in one call', () => {
    const b = blobs({ n: 999, d: 6, k: 3, seed: 9 });
    const X = matrix(b.X, 6);
    const cols = Int32Array.of(5, 1, 2);
    const model = fitMember(engine, selectMatrix(X, null, cols), { kind: 'kmeans', k: 5, seed: 3, features: [] }, 1);
    const rows = Int32Array.from({ length: 999 }, (_, i) => 998 - i);
    const whole = model.nearest(selectMatrix(X, rows, cols)).distances;
    for (const block of [2, 64, 998, 1000]) expect(bits(nearestDistances(engine, model, X, rows, cols, block))).toBe(bits(whole));
    expect(() => nearestDistances(engine, model, X, rows, cols, 3)).toThrow(/even/);
  });

  it('releasing the batch features once transformed trains the same model, file for file', async () => {
    const read = async () => (await readAll(generateTraffic({ rows: 3000, seed: 2, attackRate: 0.3 }), { source: 's.csv' })).batch;
    const opts = { name: 's', source: 's.csv', seed: 2, folds: 3, nInit: 2, members: planMembers(2, { members: 4, ks: [4, 6] }) };
    const kept = await read();
    const released = await read();
    const a = await encodeModel(await trainModel(engine, kept, opts));
    const b = await encodeModel(await trainModel(engine, released, { ...opts, releaseFeatures: true }));
    expect(released.numeric.length).toBe(0);
    expect(released.categorical.every((c) => c.length === 0)).toBe(true);
    expect(released.labels).toHaveLength(3000);
    expect(kept.numeric.length).toBeGreaterThan(0);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(Buffer.from(b.get(name)!).equals(Buffer.from(bytes))).toBe(true);
  });
});
