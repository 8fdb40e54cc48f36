// Detector.scoreBatch preprocesses every batch of up to DEFAULT_BATCH_SIZE rows into one
// reused matrix (4 MB for 8,192 KDD rows that were allocated, and left to the collector,
// per batch), and scores exactly as with a matrix of its own.

import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordBatch } from '../../src/data/batch.ts';
import { DEFAULT_BATCH_SIZE, readBatches } from '../../src/data/reader.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { Detector } from '../../src/detect/detector.ts';
import { loadEngine } from '../../src/engine/node.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let model: AnomalyModel;
beforeAll(async () => { model = await trainSyntheticModel(await loadEngine(), 3); });

async function batchesOf(rows: number, batchSize: number): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of readBatches(generateTraffic({ rows, seed: 17 }), { batchSize })) out.push(b);
  return out;
}

describe('Detector.scoreBatch', () => {
  it('reuses one matrix for every batch up to DEFAULT_BATCH_SIZE rows, and scores as before', async () => {
    const detector = new Detector(model);
    const transform = vi.spyOn(model.preprocessor, 'transform');
    try {
      const batches = [...await batchesOf(700, 300), ...await batchesOf(50, 50)]; // 300, 300, 100, 50 rows
      const scores = batches.map((b) => detector.scoreBatch(b).scores);
      const outs = transform.mock.calls.map((c) => c[1]);
      expect(outs.every((o) => o !== undefined)).toBe(true);
      expect(new Set(outs.map((o) => o!.buffer)).size).toBe(1);
      // The same scores as a matrix of its own gives (the transform without `out`).
      transform.mockRestore();
      const fresh = batches.map((b) => {
        const t = model.preprocessor.transform(b);
        return model.ensemble.score({ data: t.matrix, rows: b.count, cols: model.preprocessor.dim }).scores;
      });
      expect(scores).toEqual(fresh);
    } finally {
      transform.mockRestore();
    }
  });

  it('gives a larger batch a matrix of its own rather than keeping one that size', async () => {
    const detector = new Detector(model);
    const transform = vi.spyOn(model.preprocessor, 'transform');
    try {
      const [big] = await batchesOf(DEFAULT_BATCH_SIZE + 10, DEFAULT_BATCH_SIZE + 10);
      expect(detector.scoreBatch(big).scores).toHaveLength(DEFAULT_BATCH_SIZE + 10);
      expect(transform.mock.calls[0][1]).toBeUndefined();
    } finally {
      transform.mockRestore();
    }
  });
});
