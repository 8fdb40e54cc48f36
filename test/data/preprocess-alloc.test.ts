// Preprocessor.transform into a given matrix allocates nothing per value on the JS heap.
// A clamp written as `z > MAX_Z ? MAX_Z : …` made the optimiser box every standardised value
// as a heap number once the clamp had been hit after the code was optimised (the conditional
// then merges the module constant with the doubles): 13 MB of garbage per KDDTest+ (22,544
// rows), which a follower or a server under load turns into collection work and swinging RSS.

import { Session } from 'node:inspector';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFromRecords, type RecordBatch } from '../../src/data/batch.ts';
import { readBatches } from '../../src/data/reader.ts';
import { FEATURE_NAMES } from '../../src/data/schema.ts';
import { generateTraffic } from '../../src/data/synthetic.ts';
import { loadEngine } from '../../src/engine/node.ts';
import type { AnomalyModel } from '../../src/model/model.ts';
import { trainSyntheticModel } from '../helpers/synthetic-model.ts';

let model: AnomalyModel;
const batches: RecordBatch[] = [];
beforeAll(async () => {
  model = await trainSyntheticModel(await loadEngine(), 2);
  for await (const b of readBatches(generateTraffic({ rows: 16_384, seed: 21 }), { batchSize: 4096 })) batches.push(b);
});

/** A record with an absurd rate, which the clamp catches (real captures have them). */
function absurd(): RecordBatch {
  const row = FEATURE_NAMES.map((f) => (f === 'protocol_type' ? 'tcp' : f === 'service' ? 'http' : f === 'flag' ? 'SF' : f === 'serror_rate' ? 1e38 : 0));
  return batchFromRecords([row]);
}

/** Bytes allocated on the JS heap by fn (sampled every 1 KiB, objects already collected included). */
async function heapAllocated(fn: () => void): Promise<number> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) => new Promise<T>((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r as T))));
  try {
    await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    fn();
    const { profile } = await post<{ profile: { samples: { size: number }[] } }>('HeapProfiler.stopSampling');
    return profile.samples.reduce((s, x) => s + x.size, 0);
  } finally {
    session.disconnect();
  }
}

describe('Preprocessor.transform', () => {
  it('writes into the given matrix without allocating per value', async () => {
    const p = model.preprocessor;
    const out = new Float32Array(4096 * p.dim);
    const passes = (k: number) => { for (let r = 0; r < k; r++) for (const b of batches) p.transform(b, out); };
    // As in a long-running follower or server: optimised on ordinary rows, then a clamped
    // value (the code is deoptimised and optimised again, with the clamp's branch in it).
    passes(20);
    p.transform(absurd(), out);
    passes(20);
    const rows = 10 * batches.reduce((s, b) => s + b.count, 0);
    const bytes = await heapAllocated(() => passes(10));
    // Boxed, it is 16 bytes a numeric value: 600 a row. What remains is per call.
    expect(bytes / rows).toBeLessThan(16);
  });
});
