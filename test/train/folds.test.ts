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
import { nearestDistances, runTask, type CrossValidationResult, type CrossValidationTask } from '../../src/train/folds.ts';
import { trainModel } from '../../src/train/train.ts';
import { blobs } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine('simd'); });

/** The folds as they were computed before resident matrices: dense copies of every member's rows, all score rows at once. */
function denseFolds(X: Float32Array, dim: number, task: CrossValidationTask): CrossValidationResult {
  const M = matrix(X, dim);
  const distances: Float32Array[] = [];
  const scales: number[] = [];
  for (const { fitRows, heldRows } of task.folds) {
    const fit = selectMatrix(M, fitRows, task.columns);
    const model = fitMember(engine, fit, task.spec, task.nInit);
    scales.push(median(model.nearest(fit).distances));
    distances.push(model.nearest(selectMatrix(M, Int32Array.from([...heldRows, ...task.sharedRows]), task.columns)).distances);
  }
  return { kind: 'cv', distances, scales };
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('cross-validation folds', () => {
  it('give the dense computation bit for bit, and leave no block allocated', () => {
    // Held-out counts 8,890, 8,889, 8,889 and 13,335 shared rows (more than one scoring block): folds of both parities.
    const b = blobs({ n: 40003, d: 9, k: 3, seed: 4 });
    const all = Int32Array.from({ length: 40003 }, (_, i) => i);
    const normal = all.filter((i) => i % 3 !== 0);
    const folds = [0, 1, 2].map((f) => ({ fitRows: normal.filter((_, j) => j % 3 !== f), heldRows: normal.filter((_, j) => j % 3 === f) }));
    for (const [spec, columns, shared] of [
      [{ kind: 'kmeans', k: 4, seed: 1 }, Int32Array.of(0, 2, 3, 8, 6), all.filter((i) => i % 3 === 0).reverse()],
      [{ kind: 'minibatch', k: 3, seed: 2 }, Int32Array.of(1, 2, 3, 4, 5, 6, 7, 8), all.filter((i) => i % 3 === 0).subarray(1)],
      [{ kind: 'kmeans', k: 3, seed: 3 }, Int32Array.of(4, 5), new Int32Array(0)], // label-free: nothing shared
    ] as const) {
      const task: CrossValidationTask = { kind: 'cv', spec: { ...spec, features: [] }, columns, nInit: 2, folds, sharedRows: shared };
      const live = engine.liveBlocks;
      const got = runTask(engine, { X: b.X, dim: 9 }, task) as CrossValidationResult;
      expect(engine.liveBlocks).toBe(live);
      const want = denseFolds(b.X, 9, task);
      expect(got.scales).toEqual(want.scales);
      expect(got.distances.map(bits)).toEqual(want.distances.map(bits));
    }
  });

  it('score rows in blocks of any size exactly as in one call (the odd last row of a call is computed apart)', () => {
    const b = blobs({ n: 999, d: 6, k: 3, seed: 9 });
    const X = matrix(b.X, 6);
    const cols = Int32Array.of(5, 1, 2);
    const model = fitMember(engine, selectMatrix(X, null, cols), { kind: 'kmeans', k: 5, seed: 3, features: [] }, 1);
    const rows = Int32Array.from({ length: 999 }, (_, i) => 998 - i);
    const whole = model.nearest(selectMatrix(X, rows, cols)).distances;
    for (const block of [1, 2, 3, 64, 333, 998, 1000]) expect(bits(nearestDistances(engine, model, X, rows, cols, block))).toBe(bits(whole));
    const even = rows.subarray(1);
    const evenWhole = model.nearest(selectMatrix(X, even, cols)).distances;
    for (const block of [1, 7, 500]) expect(bits(nearestDistances(engine, model, X, even, cols, block))).toBe(bits(evenWhole));
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

describe('the worker-thread runner', () => {
  it('trains the model the in-process runner trains, file for file', async () => {
    const { workerTaskRunner } = await import('../../src/train/node-workers.ts');
    const read = async () => (await readAll(generateTraffic({ rows: 3000, seed: 5, attackRate: 0.3 }), { source: 'w.csv' })).batch;
    const opts = { name: 'w', source: 'w.csv', seed: 5, folds: 3, nInit: 2, members: planMembers(5, { members: 4, ks: [4, 6] }) };
    const here = await encodeModel(await trainModel(engine, await read(), opts));
    const there = await encodeModel(await trainModel(engine, await read(), { ...opts, runner: workerTaskRunner(2) }));
    expect([...there.keys()]).toEqual([...here.keys()]);
    for (const [name, bytes] of here) expect(Buffer.from(there.get(name)!).equals(Buffer.from(bytes))).toBe(true);
  }, 60_000);
});
