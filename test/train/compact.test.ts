// The compact training matrix (src/train/compact.ts): numeric columns plus one code per
// one-hot block. Gathering from it must give the dense matrix's rows bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../../src/data/reader.ts';
import { normalMaskFromLabels, Preprocessor } from '../../src/data/preprocess.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { matrix, ResidentMatrix, type Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { encodeModel } from '../../src/model/format.ts';
import { planMembers } from '../../src/model/members.ts';
import { compactMatrix, compactSource, NONE } from '../../src/train/compact.ts';
import { trainModel } from '../../src/train/train.ts';
import { rng } from '../helpers/blobs.ts';

let engine: Engine;
beforeAll(async () => { engine = await loadEngine('simd'); });

const read = async (rows: number, seed: number) => (await readAll(generateTraffic({ rows, seed, attackRate: 0.3 }), { source: 's.csv' })).batch;
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

describe('the compact training matrix', () => {
  it('gathers any rows and columns exactly as the dense matrix does', async () => {
    const batch = await read(2000, 3);
    const pre = Preprocessor.fit(batch, normalMaskFromLabels(batch.labels!));
    const X = pre.transform(batch).matrix;
    const c = compactMatrix(pre, batch, 333); // blocks of 333 rows: the last one short
    expect(c).not.toBeNull();
    expect(c!.numericCols).toBe(38);
    expect(c!.blocks.map((b) => b.start)).toEqual([38, 38 + c!.blocks[0].size, 38 + c!.blocks[0].size + c!.blocks[1].size]);
    const dense = matrix(X, pre.dim);
    const source = compactSource(c!);
    const rand = rng(11);
    for (let trial = 0; trial < 40; trial++) {
      // Odd trials may name a column twice; even ones are distinct columns in shuffled order, as members' are.
      let cols = Int32Array.from({ length: 1 + Math.floor(rand() * 60) }, () => Math.floor(rand() * pre.dim));
      if (trial % 2 === 0) cols = Int32Array.from(new Set(cols));
      const rows = trial % 5 === 0 ? null : Int32Array.from({ length: 1 + Math.floor(rand() * 500) }, () => Math.floor(rand() * 2000));
      const a = ResidentMatrix.gather(engine, dense, rows, cols);
      const b = ResidentMatrix.gather(engine, source, rows, cols);
      expect(bits(b.data)).toBe(bits(a.data));
      a.release(); b.release();
    }
  });

  it('holds an unseen category as an all-cold block, and is refused when any cell would differ', async () => {
    const fitOn = await read(1500, 4);
    const pre = Preprocessor.fit(fitOn, normalMaskFromLabels(fitOn.labels!));
    const batch = await read(300, 5);
    batch.categorical[1][7] = 'no-such-service';
    const X = pre.transform(batch).matrix;
    const c = compactMatrix(pre, batch)!;
    expect(c.codes[7 * 3 + 1]).toBe(NONE);
    const all = Int32Array.from({ length: pre.dim }, (_, j) => j);
    const a = ResidentMatrix.gather(engine, matrix(X, pre.dim), null, all);
    const b = ResidentMatrix.gather(engine, compactSource(c), null, all);
    expect(bits(b.data)).toBe(bits(a.data));
    a.release(); b.release();
    // Where the preprocessing writes a cell the compact form would not hold, it is refused.
    const odd = Object.create(pre) as Preprocessor;
    odd.transform = (rows, out) => {
      const r = pre.transform(rows, out);
      if (rows.firstLine === batch.firstLine) r.matrix[5 * pre.dim + 60] += 1; // a one-hot cell of the first block
      return r;
    };
    expect(compactMatrix(odd, batch)).toBeNull();
    const nan = Object.create(pre) as Preprocessor;
    nan.transform = (rows, out) => {
      const r = pre.transform(rows, out);
      r.matrix[9 * pre.dim + 2] = NaN; // a numeric cell: the dense gather reports it
      return r;
    };
    expect(compactMatrix(nan, batch)).toBeNull();
  });

  it('trains the dense matrix\'s model, file for file', async () => {
    const opts = { name: 'c', source: 's.csv', seed: 6, folds: 3, nInit: 2, members: planMembers(6, { members: 4, ks: [4, 6] }) };
    const a = await encodeModel(await trainModel(engine, await read(3000, 6), { ...opts, denseMatrix: true }));
    const b = await encodeModel(await trainModel(engine, await read(3000, 6), opts));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(Buffer.from(b.get(name)!).equals(Buffer.from(bytes))).toBe(true);
  });
});
