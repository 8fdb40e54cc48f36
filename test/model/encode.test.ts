// Preprocessing in the module (src/model/encode.ts, assembly/encode.ts) gives the matrix
// Preprocessor.transform gives, bit for bit: on the committed model over generated rows
// with the awkward values put in (negatives, −0, fractions, the edges of the module's
// log1p table, huge and infinite values, unseen words), and on KDDTest+ where present.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/data/batch.ts';
import { readAll } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import type { Engine } from '../../src/engine/index.ts';
import { RESIDENT } from '../../src/engine/matrix.ts';
import { loadEngine } from '../../src/engine/node.ts';
import { paddedCols } from '../../src/engine/workspace.ts';
import { encodeBatch } from '../../src/model/encode.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { loadModelDir } from '../../src/model/node.ts';

let engine: Engine;
let model: AnomalyModel;
beforeAll(async () => {
  engine = await loadEngine();
  model = await loadModelDir(engine);
});

/** The module's matrix, unpadded, as the bits of each float (so −0 ≠ 0 and NaN payloads count). */
function encodedBits(batch: RecordBatch): { bits: Uint32Array; unknown: number; unknownValues: unknown } {
  const { matrix, unknown, unknownValues } = encodeBatch(engine, model.preprocessor, batch);
  try {
    const dim = model.preprocessor.dim;
    const dp = paddedCols(dim);
    const heap = new Uint32Array(engine.core.memory.buffer, matrix[RESIDENT].pointer, batch.count * dp);
    const bits = new Uint32Array(batch.count * dim);
    for (let i = 0; i < batch.count; i++) {
      bits.set(heap.subarray(i * dp, i * dp + dim), i * dim);
      for (let t = dim; t < dp; t++) expect(heap[i * dp + t], 'padding').toBe(0);
    }
    return { bits, unknown, unknownValues };
  } finally {
    matrix.release();
  }
}

function transformBits(batch: RecordBatch): { bits: Uint32Array; unknown: number; unknownValues: unknown } {
  const t = model.preprocessor.transform(batch);
  return { bits: new Uint32Array(t.matrix.buffer, t.matrix.byteOffset, t.matrix.length), unknown: t.unknown, unknownValues: t.unknownValues };
}

function expectSame(batch: RecordBatch): void {
  const before = engine.liveBlocks;
  const got = encodedBits(batch);
  const want = transformBits(batch);
  expect(engine.liveBlocks).toBe(before);
  expect(got.unknown).toBe(want.unknown);
  expect(got.unknownValues).toEqual(want.unknownValues);
  const differs = got.bits.findIndex((b, i) => b !== want.bits[i]);
  expect(differs, differs < 0 ? '' : `first difference at row ${Math.floor(differs / model.preprocessor.dim)}, column ${differs % model.preprocessor.dim}`).toBe(-1);
}

const EDGES = [
  0, -0, 1, -1, -1e300, 0.5, 1.5, 2 ** -1074, 65534, 65535, 65535.5, 65536, 65537, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e15, 1e300,
  Number.MAX_VALUE, Infinity, -Infinity, 123456.789, 3e-9,
];

const kddTest = resolve(process.cwd(), process.env.ANOMALYZE_DATA_DIR ?? '../shared/data/nsl-kdd', 'KDDTest+.txt');
if (!existsSync(kddTest)) console.warn(`[test/model] skipping the module's preprocessing of KDDTest+: ${kddTest} not found (set ANOMALYZE_DATA_DIR)`);

describe('encodeBatch', () => {
  it('gives transform\'s matrix bit for bit, edge values and unseen words included', async () => {
    const { batch } = await readAll(generateTraffic({ rows: 3000, seed: 5, attackRate: 0.3 }));
    const width = batch.numeric.length / batch.count;
    // Every column gets every edge value somewhere, in different rows for different columns.
    for (let j = 0; j < width; j++) {
      EDGES.forEach((v, e) => { batch.numeric[((j * 7 + e * 31) % batch.count) * width + j] = v; });
    }
    // Random magnitudes over the whole f64 range, and fractions, in a tenth of the cells.
    let seed = 99;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let c = 0; c < batch.numeric.length; c += 1 + Math.floor(random() * 19)) {
      batch.numeric[c] = (random() < 0.5 ? -1 : 1) * random() * 10 ** Math.floor(random() * 40 - 10);
    }
    batch.categorical[1][3] = 'not-a-service';
    batch.categorical[2][3] = 'XX';
    batch.categorical[2][17] = 'XX';
    expectSame(batch);
    // Twice: the second time the module's table of log1p values is filled.
    expectSame(batch);
  });

  it('refuses NaN as the scoring of transform\'s matrix does, and leaves no block behind', async () => {
    const { batch } = await readAll(generateTraffic({ rows: 20, seed: 6 }));
    const width = batch.numeric.length / batch.count;
    batch.numeric[4 * width + 25] = NaN; // serror_rate: not a log feature
    const before = engine.liveBlocks;
    const t = model.preprocessor.transform(batch);
    const want = (() => { try { model.ensemble.score({ data: t.matrix, rows: batch.count, cols: model.preprocessor.dim }); } catch (e) { return e as Error; } })();
    expect(want?.message).toMatch(/contains NaN at row 4, column 25/);
    expect(() => encodeBatch(engine, model.preprocessor, batch)).toThrow(want!.message);
    expect(engine.liveBlocks).toBe(before);
  });

  it.skipIf(!existsSync(kddTest))('gives transform\'s matrix on KDDTest+ (needs ANOMALYZE_DATA_DIR)', async () => {
    const { batch } = await readAll(new Uint8Array(readFileSync(kddTest)), { batchSize: 25000 });
    expectSame(batch);
  });
});
