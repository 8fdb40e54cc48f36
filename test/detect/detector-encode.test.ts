// Detector.scoreBatch preprocesses in the module (src/model/encode.ts) and scores exactly
// as Preprocessor.transform's matrix scored by the ensemble does, for batches of every
// size the readers make and larger, leaving no block behind in the module.

import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordBatch } from '../../src/data/batch.ts';
import { DEFAULT_BATCH_SIZE, readBatches } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import type { Engine } from '../../src/engine/index.ts';
import { loadEngine } from '../../src/engine/node.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let engine: Engine;
let model: AnomalyModel;
beforeAll(async () => {
  engine = await loadEngine();
  model = await trainSyntheticModel(engine, 3);
});

async function batchesOf(rows: number, batchSize: number): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of readBatches(generateTraffic({ rows, seed: 17 }), { batchSize })) out.push(b);
  return out;
}

describe('Detector.scoreBatch', () => {
  it('scores as the ensemble scores transform\'s matrix, batch after batch, and leaves the module as it was', async () => {
    const detector = new Detector(model);
    const batches = [...await batchesOf(700, 300), ...await batchesOf(50, 50), ...await batchesOf(DEFAULT_BATCH_SIZE + 10, DEFAULT_BATCH_SIZE + 10)];
    const before = engine.liveBlocks;
    const scored = batches.map((b) => detector.scoreBatch(b));
    expect(engine.liveBlocks).toBe(before);
    const reference = batches.map((b) => {
      const t = model.preprocessor.transform(b);
      return { scores: model.ensemble.score({ data: t.matrix, rows: b.count, cols: model.preprocessor.dim }).scores, unknown: t.unknown };
    });
    expect(scored.map((s) => s.scores)).toEqual(reference.map((r) => r.scores));
    expect(scored.map((s) => s.unknown)).toEqual(reference.map((r) => r.unknown));
    expect(scored.map((s) => s.batch.count)).toEqual([300, 300, 100, 50, DEFAULT_BATCH_SIZE + 10]);
  });

  it('scores an empty batch without the module', async () => {
    const [b] = await batchesOf(5, 5);
    const empty: RecordBatch = { ...b, count: 0, numeric: new Float64Array(0), categorical: b.categorical.map(() => []), labels: b.labels ? [] : null };
    const s = new Detector(model).scoreBatch(empty);
    expect(s.scores).toHaveLength(0);
    expect(s.unknown).toBe(0);
  });
});
